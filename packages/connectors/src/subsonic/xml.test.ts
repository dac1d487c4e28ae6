import { afterEach, describe, expect, it } from 'vitest';
import { FakeSubsonic } from '../../../../fixtures/src/servers/subsonic.js';
import { readAnswer } from './client.js';
import { loadLibrary, SubsonicClient } from './index.js';
import { parseSubsonicXml } from './xml.js';

let server: FakeSubsonic | undefined;
afterEach(async () => server?.stop());

describe('Subsonic XML', () => {
  it('reads attributes, entities, text children and CDATA as an XML parser does', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- <song id="commented-out"/> -->
<subsonic-response xmlns="http://subsonic.org/restapi" status="ok" version="1.16.1">
  <searchResult3>
    <song id="s1" title='Mix &amp; &quot;match&quot; &#233;&#xE9; a &gt; b' artist="Bey">
      <isrc>GBAYE0601690</isrc><isrc>USUM71703861</isrc>
      <comment><![CDATA[<b>not an element</b>]]></comment>
    </song>
    <song id="s2"/>
  </searchResult3>
  <albumList2></albumList2>
</subsonic-response>`;
    const doc = parseSubsonicXml(xml);
    expect(doc?.name).toBe('subsonic-response');
    const a = readAnswer(xml);
    expect(a.status).toBe('ok');
    const songs = (a.searchResult3 as { song: Record<string, unknown>[] }[])[0]!.song;
    expect(songs.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(songs[0]).toEqual({ id: 's1', title: 'Mix & "match" éé a > b', artist: 'Bey', isrc: ['GBAYE0601690', 'USUM71703861'], comment: ['<b>not an element</b>'] });
    expect(a.albumList2).toEqual([{}]);
  });

  it('refuses text that is not well-formed XML instead of guessing', () => {
    expect(parseSubsonicXml('<subsonic-response status="ok"><song id="1"></subsonic-response>')).toBeUndefined();
    expect(parseSubsonicXml('<html><body>502 Bad Gateway')).toBeUndefined();
    expect(() => readAnswer('<subsonic-response status="ok"><song id="1"></subsonic-response>')).toThrow(expect.objectContaining({ code: 'subsonic_bad_answer' }));
  });

  it('reads ISRCs from a server that answers only XML', async () => {
    server = new FakeSubsonic({ xmlOnly: true, songs: [{ id: 's3', title: 'Come Together', artist: 'The Beatles', album: 'Abbey Road', duration: 259, isrc: ['GBAYE0601690'] }] });
    await server.start();
    const client = new SubsonicClient({ url: server.url, user: 'admin', password: 'sesame' }, { env: { MIXTAPE_SUBSONIC_RATE: '1000/1s' } });
    expect(await loadLibrary(client)).toEqual([{ id: 's3', title: 'Come Together', artist: 'The Beatles', album: 'Abbey Road', duration: 259, isrc: ['GBAYE0601690'] }]);
  });
});
