import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixtape } from '../../test/run-cli.js';
import { demoCatalogue, demoExport } from '@mixtape/fixtures';
import { defaultParams, itemKeyString, startHub, vocabulary, type RunningHub } from '@mixtape/federation';


describe('mixtape federation (built CLI)', () => {
  let dir: string;
  let env: Record<string, string>;
  let hub: RunningHub;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-fed-cli-'));
    env = { MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config') };
    await writeFile(join(dir, 'export.zip'), demoExport().zip);
    expect((await mixtape(['import', 'spotify-export', join(dir, 'export.zip'), '--json'], env)).code).toBe(0);
    // The demo catalogue's artists are the federation's public vocabulary.
    const names = demoCatalogue().artists.map((a) => a.name);
    const vocab = vocabulary(names.map((n) => itemKeyString({ kind: 'artist', name: n })), names);
    hub = await startHub({ port: 0, dir: join(dir, 'hub'), vocabulary: vocab, params: defaultParams({ vocabVersion: vocab.version, vocabSize: names.length, minContributors: 1, als: { sharedItems: 20 } }) });
  });
  afterAll(async () => {
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('joins, publishes from the imported plays, pulls the new version and reports privacy', async () => {
    const joined = await mixtape(['federation', 'join', '--hub', hub.url, '--budget', '8', '--no-require-secure-aggregation', '--json'], env);
    expect(joined.code, joined.stderr).toBe(0);
    expect(JSON.parse(joined.stdout)).toMatchObject({ identityCreated: true, round: 1 });
    expect((await stat(join(dir, 'config', 'federation', 'identity.pem'))).mode & 0o777).toBe(0o600);

    const pub = await mixtape(['federation', 'publish', '--json'], env);
    expect(pub.code, pub.stderr).toBe(0);
    const p = JSON.parse(pub.stdout) as { round: number; accepted: number; privacy: { epsilon: number; rounds: number } };
    expect(p).toMatchObject({ round: 1, accepted: 1 });
    expect(p.privacy.epsilon).toBeGreaterThan(0);
    expect(p.privacy.epsilon).toBeLessThanOrEqual(8);

    let version = 0;
    for (let i = 0; i < 40 && version < 1; i++) {
      const pulled = await mixtape(['federation', 'pull', '--json'], env);
      expect(pulled.code, pulled.stderr).toBe(0);
      version = (JSON.parse(pulled.stdout) as { version: number }).version;
      if (version < 1) await new Promise((r) => setTimeout(r, 100));
    }
    expect(version).toBe(1);

    const status = await mixtape(['federation', 'status'], env);
    expect(status.stdout).toMatch(/against everyone but the hub/);
    // This hub needs one contributor and runs no secure aggregation: the status must not credit it.
    expect(status.stdout).toMatch(/against the hub itself: the same, though 1 of your 1 rounds was not securely aggregated: the hub needed only one contributor/);
    const json = JSON.parse((await mixtape(['federation', 'status', '--json'], env)).stdout) as { rounds: number; budget: number; epsilon: number; epsilonVsHub: number; installedVersion: number };
    expect(json).toMatchObject({ rounds: 1, budget: 8, installedVersion: 1 });
    expect(json.epsilonVsHub).toBeGreaterThanOrEqual(json.epsilon);
  });

  it('refuses an epsilon that is not 0 or positive (never read as "no noise") and sizes under 1, before any work', async () => {
    for (const args of [
      ['federation', 'simulate', '--interactions', 'none.tsv', '--out', join(dir, 'sim'), '--epsilon', '-3'],
      ['federation', 'serve', '--port', '0', '--vocabulary', 'none.txt', '--epsilon', '-1'],
      ['federation', 'serve', '--port', '0', '--vocabulary', 'none.txt', '--epsilon', 'lots'],
    ]) {
      const r = await mixtape(args, env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--epsilon must be 0 \(no noise\) or a positive number, not "(-3|-1|lots)"/);
    }
    const dim = await mixtape(['federation', 'simulate', '--interactions', 'none.tsv', '--out', join(dir, 'sim'), '--dim', '0'], env);
    expect(dim.code).toBe(2);
    expect(dim.stderr).toMatch(/Expected an integer greater than or equal to 1 but received: 0/);
    const share = await mixtape(['federation', 'simulate', '--interactions', 'none.tsv', '--out', join(dir, 'sim'), '--dropout', '1.5'], env);
    expect(share.code).toBe(2);
    expect(share.stderr).toContain('--dropout must be a number from 0 to 1, not "1.5"');
  });

  it('fails in one line with a suggestion when the hub is down', async () => {
    const r = await mixtape(['federation', 'join', '--hub', 'http://127.0.0.1:9'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/did not answer/);
    expect(r.stderr).toMatch(/Try:/);
  });
});
