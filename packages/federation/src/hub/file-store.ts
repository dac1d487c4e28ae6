import { open, mkdir, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { payloadFloats } from '../codec.js';
import type { PublishedModel } from '../model-file.js';
import { frame, replayFramed } from './framed-log.js';
import { StepLog } from './step-log.js';
import { ABORTED, MASKED, StoreConflict, type HubStore, type StepKey, type StepMessage, type StoredVersion } from './store.js';

interface Pending {
  buf: Buffer;
  resolve: (at: number) => void;
  reject: (e: unknown) => void;
}

/** Writes a file so that after a crash it is either all there or not there: temp, fsync, rename, fsync dir. */
async function writeDurable(dir: string, name: string, data: Buffer): Promise<void> {
  const tmp = join(dir, `${name}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * The embedded hub store: one append log per open round (length, CRC32, node id, nonce, payload),
 * written in group commits with one fdatasync per batch, and one file pair per published version.
 * A torn record at the end of a log (a crash mid-write) is cut off on open; nothing before it is lost.
 */
export class FileStore implements HubStore {
  private latest = 0;
  private round = 1;
  private log: FileHandle | undefined;
  private size = 0;
  private readonly records: Array<{ id: string; offset: number; length: number }> = [];
  private readonly ids = new Set<string>();
  private readonly nonces = new Set<string>();
  private pendingCount = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private aggregating = false;
  private readonly admissions = new Map<string, Set<string>>();
  /** The open round's secure-aggregation messages. */
  private steps: StepLog | undefined;

  private constructor(private readonly dir: string) {}

  /** Opens (or creates) a store in `dir`, replaying the open round's log. */
  static async open(dir: string): Promise<FileStore> {
    const s = new FileStore(dir);
    await s.load();
    return s;
  }

  private async load(): Promise<void> {
    await mkdir(join(this.dir, 'versions'), { recursive: true });
    await mkdir(join(this.dir, 'rounds'), { recursive: true });
    for (const f of await readdir(join(this.dir, 'versions'))) {
      const m = /^(\d+)\.json$/.exec(f);
      if (m) this.latest = Math.max(this.latest, Number(m[1]));
    }
    this.round = this.latest + 1;
    try {
      for (const line of (await readFile(join(this.dir, 'admissions.jsonl'), 'utf8')).split('\n')) {
        // A torn last line (crash mid-write) is not an admission.
        if (!line.endsWith('}')) continue;
        const a = JSON.parse(line) as { invitation: string; nodeId: string };
        this.admissions.set(a.invitation, (this.admissions.get(a.invitation) ?? new Set()).add(a.nodeId));
      }
    } catch {
      // No admissions yet.
    }
    for (const f of await readdir(join(this.dir, 'rounds'))) {
      const m = /^(\d+)\.(?:secagg\.)?log$/.exec(f);
      if (m && Number(m[1]) < this.round) await rm(join(this.dir, 'rounds', f), { force: true });
    }
    await this.openLog();
  }

  private async openLog(): Promise<void> {
    this.steps = await StepLog.open(join(this.dir, 'rounds', `${this.round}.secagg.log`));
    const path = join(this.dir, 'rounds', `${this.round}.log`);
    this.records.length = 0;
    this.ids.clear();
    this.nonces.clear();
    this.log = await open(path, 'a+');
    const end = await replayFramed(this.log, (rest, at) => {
      const idLen = rest.readUInt16LE(0);
      const id = rest.subarray(2, 2 + idLen).toString('utf8');
      const nLen = rest.readUInt16LE(2 + idLen);
      const nonce = rest.subarray(4 + idLen, 4 + idLen + nLen).toString('utf8');
      const pOff = 4 + idLen + nLen;
      this.records.push({ id, offset: at + pOff, length: rest.length - pOff });
      this.ids.add(id);
      this.nonces.add(nonce);
    });
    if (end < (await this.log.stat()).size) await this.log.truncate(end);
    this.size = end;
  }

  async latestVersion(): Promise<number> {
    return this.latest;
  }

  async addContribution(round: number, nodeId: string, nonce: string, payload: Buffer, roundSize: number): Promise<number> {
    if (round !== this.round || this.closed || this.records.length + this.pendingCount >= roundSize)
      throw new StoreConflict('round_closed', `round ${round} is closed; pull the latest model and publish to the next round`);
    if (this.ids.has(nodeId)) throw new StoreConflict('duplicate_contribution', `this identity already contributed to round ${round}`);
    if (this.nonces.has(nonce)) throw new StoreConflict('replay', `nonce ${nonce} was already used in round ${round}`);
    this.ids.add(nodeId);
    this.nonces.add(nonce);
    const id = Buffer.from(nodeId, 'utf8');
    const n = Buffer.from(nonce, 'utf8');
    const head = Buffer.alloc(2 + id.length + 2 + n.length);
    head.writeUInt16LE(id.length, 0);
    id.copy(head, 2);
    head.writeUInt16LE(n.length, 2 + id.length);
    n.copy(head, 4 + id.length);
    const buf = frame(Buffer.concat([head, payload]));
    this.pendingCount++;
    let at = 0;
    try {
      at = await new Promise<number>((resolve, reject) => {
        this.queue.push({ buf, resolve, reject });
        this.kick();
      });
    } catch (err) {
      this.ids.delete(nodeId);
      this.nonces.delete(nonce);
      throw err;
    } finally {
      this.pendingCount--;
    }
    this.records.push({ id: nodeId, offset: at + buf.length - payload.length, length: payload.length });
    return this.records.length;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          let pos = this.size;
          for (const p of batch) {
            await this.log!.write(p.buf, 0, p.buf.length, pos);
            pos += p.buf.length;
          }
          await this.log!.datasync();
          for (const p of batch) {
            p.resolve(this.size);
            this.size += p.buf.length;
          }
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
      this.flushing = undefined;
    })();
  }

  async countRound(round: number): Promise<number> {
    return round === this.round ? this.records.length : 0;
  }

  async closeRound(round: number): Promise<void> {
    if (round === this.round) this.closed = true;
    await this.flushing;
  }

  async isClosed(round: number): Promise<boolean> {
    return round < this.round || (round === this.round && this.closed);
  }

  async forEachPayload(round: number, visit: (nodeId: string, payload: Float32Array | Float64Array) => void): Promise<void> {
    if (round !== this.round) return;
    const sorted = [...this.records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const buf = Buffer.alloc(sorted[0]?.length ?? 0);
    for (const r of sorted) {
      const b = r.length === buf.length ? buf : Buffer.alloc(r.length);
      await this.log!.read(b, 0, r.length, r.offset);
      visit(r.id, payloadFloats(b));
    }
  }

  async withAggregationLock(_round: number, fn: () => Promise<void>): Promise<boolean> {
    if (this.aggregating) return false;
    this.aggregating = true;
    try {
      await fn();
      return true;
    } finally {
      this.aggregating = false;
    }
  }

  async saveVersion(round: number, v: StoredVersion): Promise<void> {
    if (round <= this.latest) return;
    const dir = join(this.dir, 'versions');
    await writeDurable(dir, `${round}.bin`, v.body);
    await writeDurable(dir, `${round}.json`, Buffer.from(JSON.stringify(v.published)));
    await this.log?.close();
    await rm(join(this.dir, 'rounds', `${round}.log`), { force: true });
    await this.steps?.dispose(true);
    this.round = round + 1;
    this.closed = false;
    await this.openLog();
    // Last: until the next round's log is ready, the hub keeps answering that round `round` is current.
    this.latest = round;
  }

  async getVersion(version: number): Promise<StoredVersion | undefined> {
    if (version < 1 || version > this.latest) return undefined;
    const dir = join(this.dir, 'versions');
    const published = JSON.parse(await readFile(join(dir, `${version}.json`), 'utf8')) as PublishedModel;
    return { published, body: await readFile(join(dir, `${version}.bin`)) };
  }

  async addStepMessage(k: StepKey, nodeId: string, body: Buffer): Promise<number> {
    if (k.round !== this.round || !this.steps) throw new StoreConflict('round_closed', `round ${k.round} is not the open round ${this.round}`);
    return this.steps.add(k, nodeId, body);
  }

  private messages(k: StepKey): StepMessage[] {
    return k.round === this.round && this.steps ? this.steps.list(k) : [];
  }

  async stepMessages(k: StepKey): Promise<StepMessage[]> {
    // Both stores fold them (step-log.ts, pg-fold.ts): only their sum is kept.
    if (k.step === MASKED) throw new Error('masked inputs are read with stepSum and stepSenders');
    return this.messages(k);
  }

  async stepSenders(k: StepKey): Promise<Array<Omit<StepMessage, 'body'>>> {
    return this.messages(k).map(({ nodeId, at }) => ({ nodeId, at }));
  }

  async stepSum(k: StepKey, dim: number): Promise<Uint32Array> {
    return k.round === this.round && this.steps ? this.steps.sum(k, dim) : new Uint32Array(dim);
  }

  async closeStep(k: StepKey): Promise<number> {
    if (k.round !== this.round || !this.steps) return 0;
    return this.steps.close(k);
  }

  async stepClosedAt(k: StepKey): Promise<number | undefined> {
    // A past round's log is gone: its steps closed and it was published, so its attempts were not all
    // abandoned (saying so would send a reader counting attempts past the round forever).
    if (k.round < this.round) return k.step === ABORTED ? undefined : 0;
    return this.steps?.closedAt(k);
  }

  async admit(invitation: string, nodeId: string, max: number): Promise<boolean> {
    const held = this.admissions.get(invitation) ?? new Set<string>();
    if (held.has(nodeId)) return true;
    if (held.size >= max) return false;
    // Taken before the write (one thread): a second identity cannot slip in while this one syncs.
    this.admissions.set(invitation, held.add(nodeId));
    const fh = await open(join(this.dir, 'admissions.jsonl'), 'a');
    try {
      await fh.appendFile(`${JSON.stringify({ invitation, nodeId })}\n`);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    return true;
  }

  async close(): Promise<void> {
    await this.steps?.dispose(false);
    await this.flushing;
    await this.log?.close();
    this.log = undefined;
  }
}
