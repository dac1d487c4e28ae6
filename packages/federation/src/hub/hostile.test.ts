import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from 'node:net';
import { newIdentity } from '../identity.js';
import { contributionBody, honestPayload, idVocabulary, post, testHub, testParams } from '../test-support.js';
import type { RunningHub } from './run.js';

// Enough entries and noise that skipping the noise shows in the norm (a real vocabulary is larger still).
const vocab = idVocabulary(4096);
const params = testParams({ vocabVersion: vocab.version, vocabSize: 4096, minContributors: 1000, epsilon: 1 });
let hub: RunningHub;
const path = '/v1/rounds/1/contributions';

beforeAll(async () => {
  hub = await testHub(params, { burst: 3, perMinute: 1, vocabulary: vocab });
});
afterAll(async () => hub.stop());

async function expectRefused(body: Buffer | string, status: number, code: string, type?: string): Promise<void> {
  const r = await post(hub.url, path, body, type);
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  expect(r.json.error?.code).toBe(code);
  expect(r.json.error?.message.length).toBeGreaterThan(10);
  const health = await fetch(`${hub.url}/v1/health`);
  expect(health.status).toBe(200);
}

describe('a hub under hostile input', () => {
  it('accepts an honest contribution', async () => {
    const r = await post(hub.url, path, contributionBody(params, 1));
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ round: 1, accepted: 1, needed: 1000 });
  });

  it('refuses unsigned and wrongly signed contributions', async () => {
    const good = contributionBody(params, 1);
    const hl = good.readUInt32LE(4);
    const header = JSON.parse(good.subarray(8, 8 + hl).toString());
    const rebuild = (h: Record<string, unknown>) => {
      const hb = Buffer.from(JSON.stringify(h));
      const len = Buffer.alloc(4);
      len.writeUInt32LE(hb.length);
      return Buffer.concat([good.subarray(0, 4), len, hb, good.subarray(8 + hl)]);
    };
    const { signature: _s, ...unsigned } = header;
    await expectRefused(rebuild(unsigned), 401, 'unsigned');
    // Someone else's key on this body: the signature no longer verifies.
    await expectRefused(rebuild({ ...header, publicKey: newIdentity().publicKeyB64 }), 401, 'bad_signature');
    // A payload changed after signing, with the hash fixed up: the signature covers the hash.
    const tampered = Buffer.from(good);
    tampered.writeFloatLE(3, 8 + hl);
    const { createHash } = await import('node:crypto');
    const fixed = rebuild({ ...header, payloadSha256: createHash('sha256').update(tampered.subarray(8 + hl)).digest('hex') });
    fixed.writeFloatLE(3, fixed.length - (good.length - 8 - hl));
    await expectRefused(fixed, 401, 'bad_signature');
  });

  it('refuses replays and a second contribution from one identity', async () => {
    const id = newIdentity();
    const body = contributionBody(params, 1, { identity: id });
    expect((await post(hub.url, path, body)).status).toBe(202);
    await expectRefused(body, 409, 'duplicate_contribution');
    await expectRefused(contributionBody(params, 1, { identity: id }), 409, 'duplicate_contribution');
    await expectRefused(contributionBody(params, 2), 409, 'wrong_round');
  });

  it('refuses malformed, truncated and mistyped bodies', async () => {
    const good = contributionBody(params, 1);
    await expectRefused(Buffer.from('hello'), 400, 'malformed_body');
    await expectRefused(Buffer.from('{"round":1}'), 400, 'malformed_body');
    await expectRefused(good.subarray(0, 20), 400, 'malformed_body');
    await expectRefused(good.subarray(0, good.length - 7), 400, 'truncated_body');
    const badJson = Buffer.from(good);
    badJson.write('!!', 9);
    await expectRefused(badJson, 400, 'malformed_body');
    await expectRefused(good, 415, 'unsupported_media_type', 'application/json');
  });

  it('refuses wrong shapes and vocabularies', async () => {
    await expectRefused(contributionBody(params, 1, { vocabVersion: 'mxv3-99-0' }), 422, 'wrong_vocabulary');
    const wide = testParams({ vocabVersion: vocab.version, vocabSize: 4096, als: { dim: 5 } });
    await expectRefused(contributionBody(params, 1, { dim: 5, payload: honestPayload(wide) }), 422, 'wrong_shape');
    const longer = new Float32Array(honestPayload(params).length + 4);
    longer.set(honestPayload(params));
    await expectRefused(contributionBody(params, 1, { payload: longer }), 422, 'wrong_shape');
  });

  it('refuses NaN, Infinity and updates outside the norm band', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const p = honestPayload(params);
      p[7] = bad;
      await expectRefused(contributionBody(params, 1, { payload: p }), 422, 'non_finite');
    }
    const big = honestPayload(params);
    big[3] = 1000;
    await expectRefused(contributionBody(params, 1, { payload: big }), 422, 'over_norm_bound');
    // No noise at all: the node would be pushing without paying the privacy noise.
    const bare = new Float32Array(big.length);
    bare[0] = 1;
    await expectRefused(contributionBody(params, 1, { payload: bare }), 422, 'under_noise_floor');
  });

  it('refuses oversized bodies before reading them, and stays up', async () => {
    await expectRefused(Buffer.alloc(params.maxBodyBytes + 1), 413, 'body_too_large');
    // A client that lies about its length and streams more than the limit.
    const port = Number(new URL(hub.url).port);
    const reply = await new Promise<string>((resolve) => {
      const s = createConnection(port, '127.0.0.1', () => {
        s.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n`);
        const chunk = Buffer.alloc(64 * 1024);
        for (let i = 0; i < Math.ceil(params.maxBodyBytes / chunk.length) + 2; i++) s.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`);
      });
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
    });
    expect(reply).toMatch(/^HTTP\/1.1 413/);
    expect((await fetch(`${hub.url}/v1/health`)).status).toBe(200);
  });

  it('rate-limits a flood from one identity', async () => {
    const id = newIdentity();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const p = honestPayload(params);
      p[0] = Number.NaN; // refused anyway, but each signed attempt costs a token
      codes.push((await post(hub.url, path, contributionBody(params, 1, { identity: id, payload: p }))).status);
    }
    expect(codes.slice(0, 3)).toEqual([422, 422, 422]);
    expect(codes.slice(3)).toEqual([429, 429, 429]);
    // Other identities are not affected.
    expect((await post(hub.url, path, contributionBody(params, 1))).status).toBe(202);
  });

  it('serves its OpenAPI document and health', async () => {
    const doc = (await (await fetch(`${hub.url}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/rounds/{round}/contributions');
    expect(Object.keys(doc.paths)).toContain('/v1/rounds/{round}/secagg/{attempt}/steps/{step}');
    expect(await (await fetch(`${hub.url}/v1/health`)).json()).toMatchObject({ status: 'ok', round: 1 });
    expect((await fetch(`${hub.url}/v2/anything`)).status).toBe(404);
  });
});
