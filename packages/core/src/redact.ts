const SECRET_PARAMS = /([?&](?:api_key|apikey|access_token|refresh_token|token|t|s|p|password|client_secret|code|code_verifier|sk)=)[^&#\s]*/gi;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;

/** Removes secrets from a URL or a line of text before it is logged, stored or printed. */
export function redact(text: string): string {
  return text.replace(SECRET_PARAMS, '$1***').replace(BEARER, '$1***');
}

/** Replaces every occurrence of the given secret values in `text`. */
export function redactValues(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}
