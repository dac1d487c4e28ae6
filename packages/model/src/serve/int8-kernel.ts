import type { Int8Table } from './quantize.js';

/**
 * Integer scoring of an int8 item table: score_i = qScale · scale_i · Σ_a q_a · code_ia, where the
 * query q is the user vector quantized to int16 and the sum is an exact Int32. The codes live in a
 * WebAssembly memory (an Int8Array view, one byte per factor; never a float copy), scored by a
 * small hand-assembled WASM SIMD function (`i32x4.dot_i16x8_s`, 8 products per instruction);
 * `int8ScoresJs` is the same arithmetic in plain JavaScript, used where WASM SIMD is missing.
 */
export class Int8Kernel {
  /** The item codes, rows × stride (k rounded up to a multiple of 8, zero padded). */
  readonly codes: Int8Array;
  readonly scales: Float32Array;
  /** Scores of the last `score` call (a view reused by every call: copy what you keep). */
  readonly out: Float32Array;
  readonly stride: number;
  readonly simd: boolean;
  private readonly query: Int16Array;
  private readonly run: (qScale: number) => void;

  constructor(table: Int8Table, options: { simd?: boolean } = {}) {
    const { rows, k } = table;
    const stride = Math.ceil(k / 8) * 8;
    const codesAt = 0;
    const scalesAt = align16(rows * stride);
    const queryAt = align16(scalesAt + rows * 4);
    const outAt = align16(queryAt + stride * 2);
    const bytes = outAt + rows * 4;
    const wasm = options.simd !== false ? simdModule() : undefined;
    const memory = wasm ? (wasm.exports.mem as WasmMemory) : undefined;
    if (memory) {
      const need = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
      if (need > 0) memory.grow(need);
    }
    const buf = memory ? memory.buffer : new ArrayBuffer(bytes);
    this.codes = new Int8Array(buf, codesAt, rows * stride);
    this.scales = new Float32Array(buf, scalesAt, rows);
    this.query = new Int16Array(buf, queryAt, stride);
    this.out = new Float32Array(buf, outAt, rows);
    this.stride = stride;
    this.simd = wasm !== undefined;
    if (stride === k) this.codes.set(table.codes);
    else for (let r = 0; r < rows; r++) this.codes.set(table.codes.subarray(r * k, (r + 1) * k), r * stride);
    this.scales.set(table.scales);
    if (wasm) {
      const score = wasm.exports.score as (c: number, s: number, q: number, rows: number, k8: number, qs: number, out: number) => void;
      this.run = (qs) => score(codesAt, scalesAt, queryAt, rows, stride / 8, qs, outAt);
    } else {
      this.run = (qs) => int8ScoresJs(this.codes, this.scales, rows, stride, this.query, qs, this.out);
    }
  }

  /** Bytes the kernel holds (codes, scales, query, output). */
  get bytes(): number {
    return this.codes.byteLength + this.scales.byteLength + this.query.byteLength + this.out.byteLength;
  }

  /** Scores every row for a float32 query of k values into `out`, and returns `out`. */
  score(user: ArrayLike<number>, offset = 0, k = this.stride): Float32Array {
    const qs = quantizeQuery(user, offset, k, this.query, this.stride);
    this.run(qs);
    return this.out;
  }
}

/** Largest |q| so that stride × 127 × |q| stays inside an Int32 (32767 for k ≤ 516). */
function queryMax(stride: number): number {
  return Math.min(32767, Math.floor(0x7fffffff / (127 * stride)));
}

/** Writes the int16 codes of `user[offset..offset+k)` into q (zero padded); returns their scale. */
export function quantizeQuery(user: ArrayLike<number>, offset: number, k: number, q: Int16Array, stride: number): number {
  let max = 0;
  for (let a = 0; a < k; a++) max = Math.max(max, Math.abs(user[offset + a]!));
  q.fill(0);
  if (max === 0 || !Number.isFinite(max)) return 0;
  const top = queryMax(stride);
  const scale = max / top;
  for (let a = 0; a < k; a++) q[a] = Math.round(user[offset + a]! / scale);
  return scale;
}

/** The reference kernel: the same Int32 sums as the WASM one, four codes per 32-bit load. */
export function int8ScoresJs(codes: Int8Array, scales: Float32Array, rows: number, stride: number, q: Int16Array, qScale: number, out: Float32Array): void {
  const words = new Int32Array(codes.buffer, codes.byteOffset, (rows * stride) >> 2);
  const kw = stride >> 2;
  const qs = Math.fround(qScale);
  for (let i = 0, o = 0; i < rows; i++, o += kw) {
    let acc = 0;
    for (let w = 0; w < kw; w++) {
      const x = words[o + w]!;
      const b = w << 2;
      // Little-endian: byte 0 is the low byte. Shifts sign-extend each int8 code.
      acc = (acc + q[b]! * ((x << 24) >> 24) + q[b + 1]! * ((x << 16) >> 24) + q[b + 2]! * ((x << 8) >> 24) + q[b + 3]! * (x >> 24)) | 0;
    }
    out[i] = Math.fround(Math.fround(acc) * qs) * scales[i]!;
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}

/** The few WebAssembly calls used here (the project's type libraries do not declare the global). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** A fresh instance (own memory) of the SIMD scoring module, or undefined where WASM SIMD is unavailable. */
function simdModule(): WasmInstance | undefined {
  if (compiled === undefined) {
    const bytes = simdBytes();
    compiled = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  return compiled && wasmApi ? new wasmApi.Instance(compiled, {}) : undefined;
}

/**
 * The module, assembled by hand (no toolchain). One exported memory and one function:
 * score(codes, scales, query, rows, k8, qScale, out): for each row, an i32x4 accumulator gets
 * dot_i16x8(sign-extended 8 codes, 8 query values) per 8 factors; its lanes are summed, turned to
 * f32, multiplied by qScale and the row scale, and stored. Locals: 7 = k8 countdown, 8 = query
 * pointer, 9 = accumulator (v128).
 */
function simdBytes(): Uint8Array {
  const I32 = 0x7f;
  const F32 = 0x7d;
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32c = (v: number) => [0x41, ...sleb(v)];
  const addTo = (i: number, v: number) => [...get(i), ...i32c(v), 0x6a, ...set(i)];
  const lane = (l: number) => [...get(9), ...simd(0x1b), l];
  const body = [
    0x02, 0x40, // block
    ...get(3), 0x45, 0x0d, 0x00, // rows == 0: done
    0x03, 0x40, // loop over rows
    ...simd(0x0c), ...new Array(16).fill(0), ...set(9), // acc = 0
    ...get(2), ...set(8),
    ...get(4), ...set(7),
    0x03, 0x40, // loop over 8-factor chunks
    ...get(9),
    ...get(0), ...simd(0x01), 0x00, 0x00, // v128.load8x8_s codes
    ...get(8), ...simd(0x00), 0x00, 0x00, // v128.load query
    ...simd(0xba), // i32x4.dot_i16x8_s
    ...simd(0xae), // i32x4.add
    ...set(9),
    ...addTo(0, 8),
    ...addTo(8, 16),
    ...get(7), ...i32c(1), 0x6b, ...tee(7), 0x0d, 0x00,
    0x0b, // end chunk loop
    ...get(6),
    ...lane(0), ...lane(1), 0x6a, ...lane(2), 0x6a, ...lane(3), 0x6a,
    0xb2, // f32.convert_i32_s
    ...get(5), 0x94, // × qScale
    ...get(1), 0x2a, 0x02, 0x00, 0x94, // × scales[i]
    0x38, 0x02, 0x00, // f32.store
    ...addTo(6, 4),
    ...addTo(1, 4),
    ...get(3), ...i32c(1), 0x6b, ...tee(3), 0x0d, 0x00,
    0x0b, // end row loop
    0x0b, // end block
    0x0b, // end function
  ];
  const locals = [0x02, 0x02, I32, 0x01, 0x7b];
  const fn = [...locals, ...body];
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x07, I32, I32, I32, I32, I32, F32, I32, 0x00]),
    ...section(3, [0x01, 0x00]),
    ...section(5, [0x01, 0x00, 0x01]),
    ...section(7, [0x02, ...name('mem'), 0x02, 0x00, ...name('score'), 0x00, 0x00]),
    ...section(10, [0x01, ...uleb(fn.length), ...fn]),
  ]);
}

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
