/**
 * Music folder scan benchmark (issue 15): writes N small tagged FLAC files (stream headers and
 * Vorbis comments, no audio) in 100 folders, then times the first scan (every file's tags read with
 * music-metadata) and a rerun from the tag cache (path, size, modification time).
 *
 *   npx tsx bench/music-dir.ts [--files 20000]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { playlistFiles } from '@mixtape/connectors';
import { flacFile } from '@mixtape/fixtures';

const { values } = parseArgs({ options: { files: { type: 'string', default: '20000' } } });
const n = Number(values.files);
const dir = mkdtempSync(join(tmpdir(), 'mixtape-music-bench-'));
try {
  const root = join(dir, 'Music');
  for (let i = 0; i < n; i++) {
    const folder = join(root, `Artist ${i % 100}`);
    if (i < 100) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${String(i).padStart(5, '0')}.flac`), flacFile({ artist: `Artist ${i % 100}`, title: `Song ${i}`, album: `Album ${i % 1000}` }, 120 + (i % 200)));
  }
  const cacheFile = join(dir, 'cache.json');
  let t = performance.now();
  const first = await playlistFiles.scanMusicDir(root, { cacheFile });
  const firstMs = performance.now() - t;
  t = performance.now();
  const again = await playlistFiles.scanMusicDir(root, { cacheFile });
  const againMs = performance.now() - t;
  console.log(`${first.files} files: first scan ${firstMs.toFixed(0)} ms (${first.from_tags} named by tags), rerun ${againMs.toFixed(0)} ms (${again.cached} from the cache); ratio ${(firstMs / againMs).toFixed(1)}×`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
