import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { normalizeArtist, normalizeTitle } from '@mixtape/core';
import { parseM3u8, toJspf, validateJspf, writeM3u8, writeXspf, type PlaylistDoc } from './index.js';

const doc: PlaylistDoc = {
  name: 'Mixed <tape> & "friends"',
  description: 'Rock & roll\u0001 with control chars',
  creator: 'listener',
  tracks: [
    { trackId: 't1', title: 'Halo', artist: 'Beyoncé', album: 'I Am… Sasha Fierce', durationMs: 261_640, spotifyUri: 'spotify:track:4JehYebiI9JE8sR8MisGVb', mbid: '0f2f4f6c-2b3c-4e5f-8a9b-0c1d2e3f4a5b', isrc: 'USSM10803364' },
    { trackId: 't2', title: 'AC/DC <Live> & "loud"', artist: 'AC/DC', durationMs: 300_400 },
    { trackId: 't3', title: 'Unknown length' },
  ],
};

/** Parses strictly: any warning or error fails. */
function parseXml(text: string): Document {
  const errors: string[] = [];
  const dom = new DOMParser({ onError: (level, msg) => void errors.push(`${level}: ${msg}`) }).parseFromString(text, 'text/xml');
  expect(errors).toEqual([]);
  return dom as unknown as Document;
}

describe('XSPF', () => {
  it('is well-formed XML in the XSPF 1 namespace, text escaped, tracks in order', () => {
    const dom = parseXml(writeXspf(doc));
    const root = dom.documentElement;
    expect(root.nodeName).toBe('playlist');
    expect(root.getAttribute('version')).toBe('1');
    expect(root.namespaceURI).toBe('http://xspf.org/ns/0/');
    expect(root.getElementsByTagName('title')[0]!.textContent).toBe(doc.name);
    expect(root.getElementsByTagName('annotation')[0]!.textContent).toBe('Rock & roll with control chars');
    const tracks = root.getElementsByTagName('trackList')[0]!.getElementsByTagName('track');
    expect(tracks.length).toBe(3);
    expect(tracks[1]!.getElementsByTagName('title')[0]!.textContent).toBe('AC/DC <Live> & "loud"');
    expect(tracks[0]!.getElementsByTagName('duration')[0]!.textContent).toBe('261640');
    const ids = [...Array.from(tracks[0]!.getElementsByTagName('identifier'))].map((e) => e.textContent);
    expect(ids).toEqual(['https://musicbrainz.org/recording/0f2f4f6c-2b3c-4e5f-8a9b-0c1d2e3f4a5b', 'spotify:track:4JehYebiI9JE8sR8MisGVb', 'urn:isrc:USSM10803364']);
  });

  it('gives local files as file:// URLs', () => {
    const dom = parseXml(writeXspf({ name: 'x', tracks: [{ trackId: 'a', title: 'A', path: '/music/AC DC/Back in Black.flac' }] }));
    expect(dom.getElementsByTagName('location')[0]!.textContent).toBe('file:///music/AC%20DC/Back%20in%20Black.flac');
  });
});

describe('JSPF', () => {
  it('has the structure ListenBrainz serves and validates', () => {
    const j = toJspf(doc);
    expect(validateJspf(j)).toEqual([]);
    expect(validateJspf(JSON.parse(JSON.stringify(j)))).toEqual([]);
    expect(j.playlist.track[0]!.identifier).toEqual(['https://musicbrainz.org/recording/0f2f4f6c-2b3c-4e5f-8a9b-0c1d2e3f4a5b', 'spotify:track:4JehYebiI9JE8sR8MisGVb']);
    expect(j.playlist.track[2]).toEqual({ title: 'Unknown length' });
  });

  it('reports what breaks the structure', () => {
    expect(validateJspf({})).toEqual(['playlist must be an object']);
    expect(validateJspf({ playlist: { title: 3, track: [{ duration: -1, identifier: [1] }, 'x'] } })).toEqual([
      'playlist.title must be a string',
      'track[0].identifier must be a string or strings',
      'track[0].duration must be a non-negative integer',
      'track[1] must be an object',
    ]);
  });
});

describe('M3U8', () => {
  it('round-trips: header, #EXTINF seconds and "Artist - Title", locations in order', () => {
    const text = writeM3u8({ ...doc, tracks: [{ ...doc.tracks[0]!, path: '/music/Beyoncé/Halo.flac' }, ...doc.tracks.slice(1)] });
    expect(text.startsWith('#EXTM3U\n')).toBe(true);
    const back = parseM3u8(text);
    expect(back.name).toBe(doc.name);
    expect(back.entries).toEqual([
      { seconds: 262, label: 'Beyoncé - Halo', location: '/music/Beyoncé/Halo.flac' },
      { seconds: 300, label: 'AC/DC - AC/DC <Live> & "loud"', location: 'mixtape:track:t2' },
      { seconds: -1, label: 'Unknown length', location: 'mixtape:track:t3' },
    ]);
  });

  it('writes the description as comment lines that a reader skips', () => {
    const text = writeM3u8({ name: 'Daily', description: 'Why each track:\n1. A - One: one of your favourites\n2. B - Two: new to you', tracks: [{ trackId: 'x', title: 'One', artist: 'A', path: '/m/one.flac' }] });
    expect(text.split('\n').slice(0, 5)).toEqual(['#EXTM3U', '#PLAYLIST:Daily', '# Why each track:', '# 1. A - One: one of your favourites', '# 2. B - Two: new to you']);
    expect(parseM3u8(text).entries).toEqual([{ seconds: -1, label: 'A - One', location: '/m/one.flac' }]);
  });

  it('keeps a line break in a name from starting a new entry', () => {
    const back = parseM3u8(writeM3u8({ name: 'a\nb', tracks: [{ trackId: 'x', title: 'one\ntwo', artist: 'A' }] }));
    expect(back.entries).toHaveLength(1);
    expect(back.entries[0]!.label).toBe('A - one two');
  });
});

describe('matching names', () => {
  it('normalizes versions, credits, accents and "The"', () => {
    expect(normalizeTitle('Halo (Remastered 2011)')).toBe('halo');
    expect(normalizeTitle('Song - 2009 Remaster')).toBe('song');
    expect(normalizeTitle('Run (feat. Someone)')).toBe('run');
    expect(normalizeArtist('The Beatles')).toBe('beatles');
    expect(normalizeArtist('Beyoncé feat. Jay-Z')).toBe('beyonce');
  });
});
