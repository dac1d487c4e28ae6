import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, mixtape } from '../../test/run-cli.js';
import { encodeStep, newIdentity, roundContext, SecAggNode, type FederationParams } from '@mixtape/federation';

/** `federation serve` as its own process; resolves with its URL once it listens. */
async function serve(args: string[], env: Record<string, string>): Promise<{ url: string; line: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [BIN, 'federation', 'serve', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^hub listening on http:\/\/\S+ .*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  return { url: /^hub listening on (\S+) /.exec(line)![1]!, line, proc };
}

describe('federation serve and join with secure aggregation and invitations (built CLI, hub in its own process)', () => {
  let dir: string;
  let proc: ChildProcess | undefined;
  afterEach(async () => {
    proc?.kill('SIGTERM');
    proc = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('serves --secure-aggregation --invitations: refuses an uninvited or forged join, and caps identities per invitation', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-serve-secure-'));
    const env = { MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config') };
    await writeFile(join(dir, 'artists.txt'), Array.from({ length: 40 }, (_, i) => `Artist ${i}`).join('\n'));
    // Public features naming artists as written: a tag for Artist 1, an edge from Artist 2 to it.
    await writeFile(join(dir, 'features.tsv'), 'item\tfeature\nARTIST 1\ttag:rock\nArtist 2\tsimilar:artist 1\n');
    const hubDir = join(dir, 'hub');
    const s = await serve(['--vocabulary', join(dir, 'artists.txt'), '--item-features', join(dir, 'features.tsv'), '--dir', hubDir, '--secure-aggregation', '--min-contributors', '3', '--invitations', '2', '--step-seconds', '5'], env);
    proc = s.proc;
    expect(s.line).toContain(': 40 items (2 with public features), epsilon 8');
    const info = (await (await fetch(`${s.url}/v1/federation`)).json()) as { admission: string; params: FederationParams; hubPublicKey: string };
    expect(info.admission).toBe('invitation');
    expect(info.params.secureAggregation?.stepMs).toBe(5000);

    // Uninvited: refused before any state is written.
    const uninvited = await mixtape(['federation', 'join', '--hub', s.url, '--state-dir', join(dir, 'a')], env);
    expect(uninvited.code).not.toBe(0);
    expect(uninvited.stderr).toMatch(/admits invited listeners only: no invitation token/);
    await expect(readdir(join(dir, 'a'))).rejects.toMatchObject({ code: 'ENOENT' });
    // A token this hub did not sign.
    const forged = await mixtape(['federation', 'join', '--hub', s.url, '--state-dir', join(dir, 'a'), '--invitation', 'mxi1.e30.AAAA'], env);
    expect(forged.stderr).toMatch(/not signed by this hub/);

    // An invitation for up to 5 identities; the hub caps it at its --invitations 2.
    const inv = await mixtape(['federation', 'invite', '--dir', hubDir, '--max', '5', '--json'], env);
    expect(inv.code, inv.stderr).toBe(0);
    const token = (JSON.parse(inv.stdout) as { token: string }).token;
    const joined = await mixtape(['federation', 'join', '--hub', s.url, '--state-dir', join(dir, 'a'), '--invitation', token, '--json'], env);
    expect(joined.code, joined.stderr).toBe(0);
    expect((JSON.parse(joined.stdout) as { params: { secureAggregation?: unknown } }).params.secureAggregation).toMatchObject({ dropout: 0.3, stepMs: 5000 });

    // Three identities advertise keys with that one invitation: the third is refused.
    const ctx = roundContext(info.hubPublicKey, info.params, 1, 0);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = newIdentity();
      const advert = { ...new SecAggNode(id, ctx).advert(), invitation: token };
      const body = encodeStep(id, { vocabVersion: info.params.vocabVersion, round: 1, attempt: 0, step: 0 }, Buffer.from(JSON.stringify(advert)));
      const r = await fetch(`${s.url}/v1/rounds/1/secagg/0/steps/0`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
      codes.push(r.status === 202 ? 'accepted' : ((await r.json()) as { error: { code: string } }).error.code);
    }
    expect(codes).toEqual(['accepted', 'accepted', 'invitation_used_up']);
  }, 90_000);

  it('a node refuses a hub started with --no-secure-aggregation unless it opts out', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-serve-plain-'));
    const env = { MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config') };
    await writeFile(join(dir, 'artists.txt'), Array.from({ length: 40 }, (_, i) => `Artist ${i}`).join('\n'));
    const s = await serve(['--vocabulary', join(dir, 'artists.txt'), '--dir', join(dir, 'hub'), '--no-secure-aggregation', '--min-contributors', '3'], env);
    proc = s.proc;
    expect(s.line).toContain(': 40 items (no public features: items outside the shared set get no factors), epsilon 8');
    const refused = await mixtape(['federation', 'join', '--hub', s.url], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/does not run secure aggregation/);
    expect(refused.stderr).toMatch(/--no-require-secure-aggregation/);
    const opted = await mixtape(['federation', 'join', '--hub', s.url, '--no-require-secure-aggregation'], env);
    expect(opted.code, opted.stderr).toBe(0);
    expect(opted.stderr).toMatch(/Warning: this hub does not run secure aggregation/);
  }, 90_000);
});
