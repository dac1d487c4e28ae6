/**
 * The privacy of a sum of discrete Gaussians. A sum of n independent N_Z(0, s²) is not exactly a
 * discrete Gaussian, so rho = Δ²/(2 n s²) does not hold exactly; Kairouz, Liu & Steinke ("The
 * Distributed Discrete Gaussian Mechanism for Federated Learning with Secure Aggregation", ICML
 * 2021, Theorem 1) bound it: the sum is (ε²/2)-concentrated DP with
 *   ε = min( sqrt(Δ²/(n s²) + τ d / 2),  Δ/(√n s) + τ √d ),   τ = 10 Σ_{k=1}^{n-1} exp(-2π² s² k/(k+1)).
 * For the variances used here (s² in the millions) τ underflows to 0, and the charge is Δ²/(2 n s²).
 * More survivors than n only add noise, so the charge at n = the minimum holds for every round that completes.
 */
export function rhoOfDistributedDiscreteGaussian(o: { sensitivity: number; nodeSigma2: number; survivors: number; dim: number }): number {
  const { sensitivity: delta, nodeSigma2: s2, survivors: n, dim: d } = o;
  if (!(s2 > 0)) return Number.POSITIVE_INFINITY;
  let tau = 0;
  for (let k = 1; k < n; k++) tau += Math.exp((-2 * Math.PI * Math.PI * s2 * k) / (k + 1));
  tau *= 10;
  const a = Math.sqrt((delta * delta) / (n * s2) + (tau * d) / 2);
  const b = delta / Math.sqrt(n * s2) + tau * Math.sqrt(d);
  const eps = Math.min(a, b);
  return (eps * eps) / 2;
}
