import { open, rm, type FileHandle } from 'node:fs/promises';
import { frame, replayFramed } from './framed-log.js';
import { addMasked, MASKED, StoreConflict, type StepKey, type StepMessage } from './store.js';

type Rec = { kind: 'msg'; k: StepKey; nodeId: string; at: number; body: string } | { kind: 'close'; k: StepKey; at: number };

const EMPTY = Buffer.alloc(0);
const keyOf = (k: StepKey) => `${k.round}/${k.attempt}/${k.step}`;

/** A record waiting for the next group commit. */
interface Pending {
  rec: Rec;
  buf: Buffer;
  resolve: (size: number) => void;
  reject: (e: unknown) => void;
}

/**
 * The embedded store's secure-aggregation messages of one round: an append log of CRC-checked JSON
 * records (message or step close), fdatasync'd before a write is acknowledged, replayed on open,
 * a torn tail cut. Records are written in order, in group commits: those that arrive while one
 * fdatasync runs share the next (one per message capped the hub at one message per disk flush:
 * 2,000 flushes in the demo's two rounds). Each is checked when it arrives against what is stored
 * and what is waiting, so a close and a message cannot pass each other and a duplicate waiting in
 * the same batch is refused.
 * The masked inputs (step 2) are folded into their step's sum as they are stored or replayed, as
 * PostgreSQL's store folds them: memory holds one sum per step, not one body per listener.
 */
export class StepLog {
  private fh: FileHandle | undefined;
  private size = 0;
  private readonly messages = new Map<string, Map<string, StepMessage>>();
  private readonly closed = new Map<string, number>();
  private readonly sums = new Map<string, Uint32Array>();
  /** Records accepted but not yet durable, and what they claim. */
  private queue: Pending[] = [];
  private readonly waitingMessages = new Map<string, Set<string>>();
  private readonly waitingCloses = new Map<string, Promise<number>>();
  private flushing: Promise<void> | undefined;
  /** fdatasync calls so far (tests). */
  flushes = 0;

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<StepLog> {
    const l = new StepLog(path);
    l.fh = await open(path, 'a+');
    const end = await replayFramed(l.fh, (rest) => l.apply(JSON.parse(rest.toString('utf8')) as Rec));
    if (end < (await l.fh.stat()).size) await l.fh.truncate(end);
    l.size = end;
    return l;
  }

  private apply(r: Rec): void {
    const key = keyOf(r.k);
    if (r.kind === 'close') {
      if (!this.closed.has(key)) this.closed.set(key, r.at);
      return;
    }
    const m = this.messages.get(key) ?? new Map<string, StepMessage>();
    const body = Buffer.from(r.body, 'base64');
    if (r.k.step === MASKED) {
      let sum = this.sums.get(key);
      if (!sum) this.sums.set(key, (sum = new Uint32Array(body.length / 4)));
      addMasked(sum, body);
      m.set(r.nodeId, { nodeId: r.nodeId, at: r.at, body: EMPTY });
    } else m.set(r.nodeId, { nodeId: r.nodeId, at: r.at, body });
    this.messages.set(key, m);
  }

  /** Queues a record for the next group commit; resolves once it is durable and applied. */
  private append(rec: Rec): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ rec, buf: frame(Buffer.from(JSON.stringify(rec))), resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const buf = batch.length === 1 ? batch[0]!.buf : Buffer.concat(batch.map((p) => p.buf));
      try {
        await this.fh!.write(buf, 0, buf.length, this.size);
        await this.fh!.datasync();
        this.flushes++;
      } catch (err) {
        // Nothing of the batch was acknowledged: cut what reached the file, so a replay cannot bring it back.
        await this.fh?.truncate(this.size).catch(() => undefined);
        for (const p of batch) {
          this.forget(p.rec);
          p.reject(err);
        }
        continue;
      }
      this.size += buf.length;
      for (const p of batch) {
        this.forget(p.rec);
        try {
          this.apply(p.rec);
          const key = keyOf(p.rec.k);
          p.resolve(p.rec.kind === 'close' ? this.closed.get(key)! : this.messages.get(key)!.size);
        } catch (err) {
          // The hub checks a message's shape before storing it; a record that still cannot be folded fails alone.
          p.reject(err);
        }
      }
    }
    this.flushing = undefined;
  }

  /** Drops a record's claim once it is applied or failed. */
  private forget(r: Rec): void {
    const key = keyOf(r.k);
    if (r.kind === 'close') this.waitingCloses.delete(key);
    else {
      const w = this.waitingMessages.get(key);
      w?.delete(r.nodeId);
      if (w?.size === 0) this.waitingMessages.delete(key);
    }
  }

  add(k: StepKey, nodeId: string, body: Buffer): Promise<number> {
    const key = keyOf(k);
    if (this.closed.has(key) || this.waitingCloses.has(key))
      return Promise.reject(new StoreConflict('round_closed', `step ${k.step} of round ${k.round} (attempt ${k.attempt}) is closed; a late message is refused`));
    if (this.messages.get(key)?.has(nodeId) || this.waitingMessages.get(key)?.has(nodeId))
      return Promise.reject(new StoreConflict('duplicate_contribution', `this identity already sent step ${k.step} of round ${k.round}`));
    const w = this.waitingMessages.get(key) ?? new Set<string>();
    this.waitingMessages.set(key, w.add(nodeId));
    return this.append({ kind: 'msg', k, nodeId, at: Date.now(), body: body.toString('base64') });
  }

  /** The sum modulo 2^32 of a masked step's inputs, `dim` words (zeros when none came). */
  sum(k: StepKey, dim: number): Uint32Array {
    const sum = this.sums.get(keyOf(k));
    if (sum && sum.length !== dim) throw new Error(`the masked inputs have ${sum.length} words, not ${dim}`);
    return sum ? Uint32Array.from(sum) : new Uint32Array(dim);
  }

  /** A step's messages in node id order; those of a masked step without their bodies (see `sum`). */
  list(k: StepKey): StepMessage[] {
    return [...(this.messages.get(keyOf(k))?.values() ?? [])].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  }

  close(k: StepKey): Promise<number> {
    const key = keyOf(k);
    const at = this.closed.get(key);
    if (at !== undefined) return Promise.resolve(at);
    const waiting = this.waitingCloses.get(key);
    if (waiting) return waiting;
    const p = this.append({ kind: 'close', k, at: Date.now() });
    this.waitingCloses.set(key, p);
    return p;
  }

  closedAt(k: StepKey): number | undefined {
    return this.closed.get(keyOf(k));
  }

  async dispose(remove: boolean): Promise<void> {
    await this.flushing;
    await this.fh?.close();
    this.fh = undefined;
    if (remove) await rm(this.path, { force: true });
  }
}
