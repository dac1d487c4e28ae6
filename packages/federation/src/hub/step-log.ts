import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { StoreConflict, type StepKey, type StepMessage } from './store.js';

type Rec = { kind: 'msg'; k: StepKey; nodeId: string; at: number; body: string } | { kind: 'close'; k: StepKey; at: number };

const keyOf = (k: StepKey) => `${k.round}/${k.attempt}/${k.step}`;

/**
 * The embedded store's secure-aggregation messages of one round: an append log of CRC-checked JSON
 * records (message or step close), fdatasync'd before a write is acknowledged, replayed on open,
 * a torn tail cut. Writes are serialised, so a close and a message cannot pass each other.
 */
export class StepLog {
  private fh: FileHandle | undefined;
  private size = 0;
  private readonly messages = new Map<string, Map<string, StepMessage>>();
  private readonly closed = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<StepLog> {
    const l = new StepLog(path);
    let data = Buffer.alloc(0);
    try {
      data = await readFile(path);
    } catch {
      // No log yet.
    }
    let off = 0;
    while (off + 8 <= data.length) {
      const len = data.readUInt32LE(off);
      if (off + 8 + len > data.length) break;
      const rest = data.subarray(off + 8, off + 8 + len);
      if (crc32(rest) !== data.readUInt32LE(off + 4)) break;
      l.apply(JSON.parse(rest.toString('utf8')) as Rec);
      off += 8 + len;
    }
    l.fh = await open(path, 'a+');
    if (off < data.length) await l.fh.truncate(off);
    l.size = off;
    return l;
  }

  private apply(r: Rec): void {
    const key = keyOf(r.k);
    if (r.kind === 'close') {
      if (!this.closed.has(key)) this.closed.set(key, r.at);
      return;
    }
    const m = this.messages.get(key) ?? new Map<string, StepMessage>();
    m.set(r.nodeId, { nodeId: r.nodeId, at: r.at, body: Buffer.from(r.body, 'base64') });
    this.messages.set(key, m);
  }

  private async append(r: Rec): Promise<void> {
    const rest = Buffer.from(JSON.stringify(r));
    const head = Buffer.alloc(8);
    head.writeUInt32LE(rest.length, 0);
    head.writeUInt32LE(crc32(rest), 4);
    const buf = Buffer.concat([head, rest]);
    await this.fh!.write(buf, 0, buf.length, this.size);
    await this.fh!.datasync();
    this.size += buf.length;
    this.apply(r);
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.chain.then(f, f);
    this.chain = p.catch(() => {});
    return p;
  }

  add(k: StepKey, nodeId: string, body: Buffer): Promise<number> {
    return this.serial(async () => {
      const key = keyOf(k);
      if (this.closed.has(key)) throw new StoreConflict('round_closed', `step ${k.step} of round ${k.round} (attempt ${k.attempt}) is closed; a late message is refused`);
      if (this.messages.get(key)?.has(nodeId)) throw new StoreConflict('duplicate_contribution', `this identity already sent step ${k.step} of round ${k.round}`);
      await this.append({ kind: 'msg', k, nodeId, at: Date.now(), body: body.toString('base64') });
      return this.messages.get(key)!.size;
    });
  }

  list(k: StepKey): StepMessage[] {
    return [...(this.messages.get(keyOf(k))?.values() ?? [])].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  }

  close(k: StepKey): Promise<number> {
    return this.serial(async () => {
      const at = this.closed.get(keyOf(k));
      if (at !== undefined) return at;
      await this.append({ kind: 'close', k, at: Date.now() });
      return this.closed.get(keyOf(k))!;
    });
  }

  closedAt(k: StepKey): number | undefined {
    return this.closed.get(keyOf(k));
  }

  async dispose(remove: boolean): Promise<void> {
    await this.chain;
    await this.fh?.close();
    this.fh = undefined;
    if (remove) await rm(this.path, { force: true });
  }
}
