import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JSPF_PLAYLIST_EXT, RECORDING_URL, toJspf, validateJspf } from '../playlist-files/index.js';
import { list, one, readAnswer } from '../subsonic/client.js';
import { parseSubsonicXml } from '../subsonic/xml.js';

const SAMPLES = resolve(fileURLToPath(import.meta.url), '../../../../../../shared/data/api-samples');
const read = (p: string) => readFileSync(join(SAMPLES, p), 'utf8');

describe('JSPF as ListenBrainz serves it', () => {
  const one_ = JSON.parse(read('listenbrainz/navidrome/listenbrainz.playlist.json')) as { playlist: { track: { identifier: string[] }[] } };
  const many = JSON.parse(read('listenbrainz/navidrome/listenbrainz.playlists.json')) as { playlists: unknown[] };

  it('real playlists pass the validator, and a broken one does not', () => {
    expect(validateJspf(one_)).toEqual([]);
    for (const p of many.playlists) expect(validateJspf(p)).toEqual([]);
    const broken = structuredClone(one_) as unknown as { playlist: { track: { duration?: unknown }[] } };
    broken.playlist.track[0]!.duration = '3:20';
    expect(validateJspf(broken)).toEqual(['track[0].duration must be a non-negative integer']);
  });

  it('ours uses the same identifier form and playlist extension as the real ones', () => {
    const real = one_.playlist.track[0]!.identifier[0]!;
    expect(real.startsWith(RECORDING_URL)).toBe(true);
    const ours = toJspf({ name: 'x', tracks: [{ trackId: 't', title: 'T', artist: 'A', mbid: real.slice(RECORDING_URL.length) }] });
    expect(ours.playlist.track[0]!.identifier).toEqual([real]);
    expect(Object.keys((one_.playlist as unknown as { extension: object }).extension)).toEqual([JSPF_PLAYLIST_EXT]);
    expect(Object.keys(ours.playlist.extension!)).toEqual([JSPF_PLAYLIST_EXT]);
  });
});

describe('Subsonic answers as Navidrome sends them', () => {
  const dir = join(SAMPLES, 'subsonic/navidrome-snapshots');
  const file = (name: string) => readFileSync(join(dir, name), 'utf8');

  it('every XML snapshot reads as an ok subsonic-response, the same as its JSON twin', () => {
    const xmls = readdirSync(dir).filter((f) => f.endsWith('.XML'));
    expect(xmls.length).toBeGreaterThan(40);
    for (const f of xmls) {
      const x = readAnswer(file(f));
      expect(x.status, f).toBe('ok');
      const twin = f.replace(/\.XML$/, '.JSON');
      const j = readAnswer({ 'subsonic-response': JSON.parse(file(twin)) });
      // An empty list in JSON has no element in XML.
      const keys = Object.keys(j).filter((k) => !(Array.isArray(j[k]) && (j[k] as unknown[]).length === 0));
      expect(Object.keys(x).filter((k) => k !== 'xmlns').sort(), f).toEqual(keys.sort());
    }
  });

  it('reads playlists and songs (musicBrainzId) from both forms', () => {
    for (const ext of ['XML', 'JSON']) {
      const raw = file(`Responses Playlists with data should match .${ext}`);
      const a = readAnswer(ext === 'XML' ? raw : { 'subsonic-response': JSON.parse(raw) });
      const ids = list<{ id: string }>(one<Record<string, unknown>>(a.playlists)?.playlist).map((p) => String(p.id));
      expect(ids, ext).toEqual(['111', '333', '222']);
      const c = file(`Responses Child with data should match .${ext}`);
      const d = readAnswer(ext === 'XML' ? c : { 'subsonic-response': JSON.parse(c) });
      const child = list<Record<string, unknown>>(one<Record<string, unknown>>(d.directory)?.child)[0]!;
      expect(String(child.musicBrainzId)).toBe('4321');
      expect(Number(child.duration)).toBe(146);
    }
    expect(parseSubsonicXml(file('Responses EmptyResponse should match .XML'))?.name).toBe('subsonic-response');
  });
});
