import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MixtapeError } from '@mixtape/core';

/** The files the build writes for the demo (fixtures/src/demo/assets.ts makes them). */
export const DEMO_ASSET_FILES = ['my_spotify_data.zip', 'lastfm-export.csv', 'lastfm-answers.json', 'federation.json'] as const;

/** The demo listener as the build ships it. */
export interface DemoAssets {
  /** The Spotify export zip, as a file to import. */
  exportZip: string;
  /** The Last.fm scrobble CSV, as a file to import. */
  scrobblesCsv: string;
  /** Last.fm's recorded answers about the demo catalogue, by `method\tartist\ttrack`. */
  lastfmAnswers: Record<string, unknown>;
  /** The demo federation's vocabulary (artists and their tags) and its other listeners' plays. */
  federation: { artists: Array<{ name: string; tags: string[] }>; listeners: Array<Array<[number, number]>> };
}

/** Reads the demo's built assets from `dir`; a missing file is a `demo_assets_missing` error that says to build. */
export function loadDemoAssets(dir: string): DemoAssets {
  const missing = DEMO_ASSET_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new MixtapeError('demo_assets_missing', `The demo's bundled listener is missing from ${dir} (${missing.join(', ')})`, {
      suggestion: 'build it: npx -y pnpm@9.15.9 build (install runs the build too)',
    });
  }
  const json = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown;
  return {
    exportZip: join(dir, 'my_spotify_data.zip'),
    scrobblesCsv: join(dir, 'lastfm-export.csv'),
    lastfmAnswers: json('lastfm-answers.json') as DemoAssets['lastfmAnswers'],
    federation: json('federation.json') as DemoAssets['federation'],
  };
}
