import { describe, expect, it } from 'vitest';
import { detectScrobbleFormat, MAX_RECORD_CHARS, parseScrobbles, parseTextDate } from './scrobbles.js';

describe('scrobble files', () => {
  it('reads the ghan.nl Last.fm CSV with MBIDs and drops invalid ones', () => {
    const csv = [
      'uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid',
      '"1720688820","11 Jul 2024, 09:07","Slowdive","72a6c5d8-8a1c-4a1e-b7b4-0b4a0c2b2b2b","Souvlaki","","Alison","not-a-uuid"',
      '"1720689000","11 Jul 2024, 09:10","Ride","","Nowhere","","Vapour Trail","5c0e1a4e-1111-4222-8333-944455556666"',
    ].join('\n');
    const out = parseScrobbles(csv, 'lastfm.csv');
    expect(out.format).toBe('lastfm-csv');
    expect(out.rows).toEqual([
      { line: 2, playedAt: 1720688820000, artist: 'Slowdive', title: 'Alison', album: 'Souvlaki', artistMbid: '72a6c5d8-8a1c-4a1e-b7b4-0b4a0c2b2b2b' },
      { line: 3, playedAt: 1720689000000, artist: 'Ride', title: 'Vapour Trail', album: 'Nowhere', trackMbid: '5c0e1a4e-1111-4222-8333-944455556666' },
    ]);
  });

  it('reads lastfm-to-csv without a header, with text dates in UTC', () => {
    const out = parseScrobbles('Slowdive,Souvlaki,Alison,31 Jan 2021 18:04\nRide,,Vapour Trail,1 Feb 2021 00:00\n', 'x.csv');
    expect(out.format).toBe('lastfm-to-csv');
    expect(out.rows.map((r) => [r.playedAt, r.title, r.album])).toEqual([
      [Date.UTC(2021, 0, 31, 18, 4), 'Alison', 'Souvlaki'],
      [Date.UTC(2021, 1, 1), 'Vapour Trail', undefined],
    ]);
  });

  it('skips Libre.fm UTF-7 comment lines and reads the columns by name', () => {
    const csv = '+ACM- Data export from Libre.fm,,,\n+ACM- host,,,\nArtist,Track,Album,Time\nLush,Sweetness and Light,Gala,1690347960\nLush,De-Luxe,,bad\n';
    const out = parseScrobbles(csv, 'librefm.csv');
    expect(out.format).toBe('librefm-csv');
    expect(out.rows).toEqual([{ line: 4, playedAt: 1690347960000, artist: 'Lush', title: 'Sweetness and Light', album: 'Gala' }]);
    expect(out.rejected).toEqual([{ line: 5, reason: 'bad_timestamp' }]);
  });

  it('reads a Rockbox .scrobbler.log with ratings and lengths', () => {
    const log = '#AUDIOSCROBBLER/1.1\n#TZ/UTC\n#CLIENT/Rockbox\nCocteau Twins\tHeaven or Las Vegas\tCherry-coloured Funk\t1\t193\tL\t1577836800\t\nCocteau Twins\tTreasure\tLorelei\t3\t223\tS\t1577837000\tnope\n';
    const out = parseScrobbles(log, '.scrobbler.log');
    expect(out.format).toBe('scrobbler-log');
    expect(out.rows).toEqual([
      { line: 4, playedAt: 1577836800000, artist: 'Cocteau Twins', title: 'Cherry-coloured Funk', album: 'Heaven or Las Vegas', durationMs: 193000, skipped: false },
      { line: 5, playedAt: 1577837000000, artist: 'Cocteau Twins', title: 'Lorelei', album: 'Treasure', durationMs: 223000, skipped: true },
    ]);
  });

  it('refuses an unknown layout and an empty file with clear codes', () => {
    expect(() => parseScrobbles('Never,Gonna,Give,You,Up\n', 'odd.csv')).toThrow(expect.objectContaining({ code: 'unknown_csv_layout' }));
    expect(() => parseScrobbles('  \n', 'empty.csv')).toThrow(expect.objectContaining({ code: 'empty_file' }));
    expect(detectScrobbleFormat('Date-time,Artist,Song\n2024-09-05T03:03:07-0500,A,B')).toBeUndefined();
  });

  it('rejects listens before 2000 or in the future with their reason and line, keeping the rest', () => {
    const now = Date.UTC(2025, 0, 1);
    const csv = [
      'uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid',
      '4102444800,"01 Jan 2100, 00:00",Slowdive,,Souvlaki,,Future,',
      '-100,"31 Dec 1969, 23:58",Slowdive,,Souvlaki,,Past,',
      '1720688820,"11 Jul 2024, 09:07",Slowdive,,Souvlaki,,Alison,',
      '946684799,"31 Dec 1999, 23:59",Slowdive,,Souvlaki,,Millennium,',
    ].join('\n');
    const out = parseScrobbles(csv, 'lastfm.csv', undefined, now);
    expect(out.rows.map((r) => r.title)).toEqual(['Alison']);
    expect(out.rejected).toEqual([
      { line: 2, reason: 'played_in_future' },
      { line: 3, reason: 'played_before_2000' },
      { line: 5, reason: 'played_before_2000' },
    ]);
    const log = parseScrobbles('#AUDIOSCROBBLER/1.1\nA\tB\tC\t1\t100\tL\t4102444800\t\nA\tB\tD\t1\t100\tL\t1577836800\t\n', '.scrobbler.log', undefined, now);
    expect(log.rows.map((r) => r.title)).toEqual(['D']);
    expect(log.rejected).toEqual([{ line: 2, reason: 'played_in_future' }]);
    // Every row impossible is still this layout: counted, not refused.
    expect(parseScrobbles('Artist,Track,Album,Time\nLush,Light,Gala,4102444800\n', 'l.csv', undefined, now).rejected).toEqual([{ line: 2, reason: 'played_in_future' }]);
  });

  it.each([
    ['lastfm-csv', 'Slowdive,Souvlaki,Alison,31 Jan 2021 18:04\n', /x\.csv is not a lastfm-csv file: no row has a header with uts \(or utc_time\), artist and track/],
    ['librefm-csv', 'uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n1720688820,"11 Jul 2024, 09:07",Slowdive,,Souvlaki,,Alison,\n', /x\.csv is not a librefm-csv file: .*artist, track and time/],
    ['lastfm-to-csv', 'Artist,Track,Album,Time\nLush,Sweetness and Light,Gala,1690347960\n', /x\.csv is not a lastfm-to-csv file/],
    ['scrobbler-log', 'Artist,Track,Album,Time\nLush,Sweetness and Light,Gala,1690347960\n', /x\.csv is not a scrobbler-log file: no row has tab-separated/],
  ] as const)('refuses a file forced as %s whose rows do not have that shape', (format, content, message) => {
    let err: unknown;
    try {
      parseScrobbles(content, '/some/dir/x.csv', format);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'wrong_format', message: expect.stringMatching(message), suggestion: expect.stringContaining('--format') });
  });

  it('refuses a field too large for any scrobble, naming the file and line', () => {
    const huge = 'x'.repeat(MAX_RECORD_CHARS + 1);
    const csv = `uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n"1720688820","11 Jul 2024, 09:07","A","","B","","C",""\n"1720688900","11 Jul 2024, 09:08","A","","B","","${huge}",""\n`;
    const tooLarge = (line: number, file: string) => expect.objectContaining({ code: 'field_too_large', message: expect.stringMatching(new RegExp(`^${file}, line ${line}: a field is longer than 1 MiB`)) });
    expect(() => parseScrobbles(csv, '/home/me/lastfm.csv')).toThrow(tooLarge(3, 'lastfm\\.csv'));
    const log = `#AUDIOSCROBBLER/1.1\n#TZ/UTC\n#CLIENT/Rockbox\nA\tB\t${huge}\t1\t200\tL\t1577836800\t\n`;
    expect(() => parseScrobbles(log, '.scrobbler.log')).toThrow(tooLarge(4, '\\.scrobbler\\.log'));
  });

  it('parses text dates and rejects nonsense', () => {
    expect(parseTextDate('11 Jul 2024, 09:07')).toBe(Date.UTC(2024, 6, 11, 9, 7));
    expect(parseTextDate('32 Foo 2024 10:00')).toBeUndefined();
  });
});
