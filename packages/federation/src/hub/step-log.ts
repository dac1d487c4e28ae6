import { open, rm, type FileHandle } from 'node:fs/promises';
import { frame, replayFramed } from './framed-log.js';
import { addMasked, MASKED, StoreConflict, type StepKey, type StepMessage } from './store.js';

type Rec = { kind: 'msg'; k: StepKey; nodeId: string; at: number; body: string } | { kind: 'close'; k: StepKey; at: number };

const EMPTY = Buffer.alloc(0);
const keyOf = (k: StepKey) => `${k.round}/${k.attempt}/${k.step}`;

/**
 * The embedded store's secure-aggregation messages of one round: an append log of CRC-checked JSON
 * records (message or step close), fdatasync'd before a write is acknowledged, replayed on open,
 * a torn tail cut. Writes are serialised, so a close and a message cannot pass each other.
 * The masked inputs (step 2) are folded into their step's sum as they are stored or replayed, as
 * PostgreSQL's store folds them: memory holds one sum per step, not one body per listener.
 */
export class StepLog {
  private fh: FileHandle | undefined;
  private size = 0;
  private readonly messages = new Map<string, Map<string, StepMessage>>();
  private readonly closed = new Map<string, number>();
  private readonly sums = new Map<string, Uint32Array>();
  private chain: Promise<unknown> = Promise.resolve();

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

  private async append(r: Rec): Promise<void> {
    const buf = frame(Buffer.from(JSON.stringify(r)));
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
