import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { MixtapeError } from '@mixtape/core';
import { openZipArchive, type ZipArchiveEntry } from '../files/zip-archive.js';
import { feedbackRecord, listenRecord, parseJsonLine, type FeedbackRecord, type ListenRecord } from './listens.js';

const ADVICE = 'download your export again from https://listenbrainz.org/settings/export/';
/** `listens/2024/3.jsonl`: the month is not zero-padded; some exports nest everything under one folder. */
const LISTENS_FILE = /(?:^|\/)listens\/(\d{4})\/(\d{1,2})\.jsonl$/;
const FEEDBACK_FILE = /(?:^|\/)feedback\.jsonl$/;

/** A ListenBrainz user-data export zip (https://listenbrainz.org/settings/export/), read line by line. */
export interface ListenBrainzExport {
  /** The listen files in time order, as `zip:listens/2024/3.jsonl`. */
  listenFiles: string[];
  hasFeedback: boolean;
  /** Listens in batches of at most `batch`, file after file. A broken line stops it with an error naming the line. */
  listens(batch?: number): AsyncGenerator<ListenRecord[]>;
  /** Loves and hates; withdrawn feedback (score 0) is left out. */
  feedback(): Promise<FeedbackRecord[]>;
  close(): Promise<void>;
}

/** The lines of a stream, numbered from 1; the last one need not end in a newline. */
async function* lines(stream: Readable): AsyncGenerator<[string, number]> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let n = 0;
  for await (const chunk of stream) {
    const parts = (carry + decoder.write(chunk as Buffer)).split('\n');
    carry = parts.pop()!;
    for (const p of parts) yield [p.endsWith('\r') ? p.slice(0, -1) : p, ++n];
  }
  carry += decoder.end();
  if (carry !== '') yield [carry, ++n];
}

function malformed(where: string, line: number, why: string): MixtapeError {
  return new MixtapeError('malformed_json', `${where} line ${line}: ${why}`, { suggestion: `${ADVICE}; nothing was imported` });
}

/** Opens the export; an archive with neither listens nor feedback is not one. */
export async function openListenBrainzExport(path: string): Promise<ListenBrainzExport> {
  const zip = await openZipArchive(path, { suggestion: ADVICE });
  const zipName = basename(path);
  const listenEntries = zip.entries
    .map((e) => ({ e, m: LISTENS_FILE.exec(e.name) }))
    .filter((x): x is { e: ZipArchiveEntry; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]) || Number(a.m[2]) - Number(b.m[2]))
    .map((x) => x.e);
  const feedbackEntry = zip.entries.find((e) => FEEDBACK_FILE.test(e.name));
  if (listenEntries.length === 0 && !feedbackEntry) {
    await zip.close();
    throw new MixtapeError('unknown_export_file', `${zipName} holds no listens/YYYY/M.jsonl and no feedback.jsonl: it is not a ListenBrainz export`, {
      suggestion: 'pass the zip that ListenBrainz made under Settings → Export your data',
    });
  }
  return {
    listenFiles: listenEntries.map((e) => `${zipName}:${e.name}`),
    hasFeedback: feedbackEntry !== undefined,
    async *listens(batch = 5000) {
      let out: ListenRecord[] = [];
      for (const e of listenEntries) {
        const where = `${zipName}:${e.name}`;
        for await (const [text, n] of lines(await e.open())) {
          const raw = parseJsonLine(text, where, n);
          if (raw === undefined) continue;
          const r = listenRecord(raw);
          if (typeof r === 'string') throw malformed(where, n, r);
          out.push(r);
          if (out.length >= batch) {
            yield out;
            out = [];
          }
        }
      }
      if (out.length > 0) yield out;
    },
    async feedback() {
      if (!feedbackEntry) return [];
      const where = `${zipName}:${feedbackEntry.name}`;
      const out: FeedbackRecord[] = [];
      for await (const [text, n] of lines(await feedbackEntry.open())) {
        const raw = parseJsonLine(text, where, n);
        if (raw === undefined) continue;
        const r = feedbackRecord(raw);
        if (typeof r === 'string') throw malformed(where, n, r);
        if (r) out.push(r);
      }
      return out;
    },
    close: zip.close,
  };
}
