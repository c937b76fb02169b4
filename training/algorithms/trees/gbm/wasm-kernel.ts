/**
 * The histogram inner loop as a tiny WebAssembly module, assembled here from its instructions
 * (no toolchain, no binary blob). V8 bounds-checks every typed-array access of the JavaScript
 * loop; WebAssembly's guard pages make those checks free, so the same sums in the same order
 * run faster (bench/gbm.ts's histogram floor). The module
 * imports one shared memory, so a worker thread can run it on the same buffers.
 *
 * Exports (all addresses are byte offsets into the memory; a histogram slot is
 * [gradient, hessian, count] as three float64, 256 slots per feature):
 * - `acc4(hist, col, n, rows, m, pairs)`: features col .. col + 3n (four column-major
 *   code columns of n rows) of rows[0 .. m) into the four histograms at hist, hist + 6144, ...
 * - `acc1`, `acc2`, `acc3` `(...)`: the same for one, two or three features.
 * - `sub(parent, child, bytes)`: parent -= child, two float64 per SIMD instruction.
 * - `split` / `splitBack(read, m, col, table, left, right, pairsIn, pairsOut)`: a node's rows
 *   (and their gradient pairs) split by a threshold into another row index (see below).
 * - `addLeaf(out, rows, m, value)`: out[rows[i]] += value for i < m (float64 out): a leaf's
 *   value into the raw scores of its rows.
 * Gradient pairs are kept in the row index's order ("ordered gradients"): the pair of the row
 * whose id is at address a of the row index is the 16 bytes at pairs + 4a, so a node's pairs
 * are read in sequence, not gathered by row id. `pairs` is that base (mod 2^32).
 */

import {
  I32,
  F64,
  uleb,
  SHR_U,
  SELECT,
  LE_U,
  storeI32,
  SUB,
  get,
  set,
  i32,
  ADD,
  MUL,
  loadI32,
  loadU8,
  loadF64,
  storeF64,
  F64_ADD,
  GE_U,
  BLOCK,
  LOOP,
  br,
  brIf,
  END_OP,
  F64_ONE,
  loadV128,
  storeV128,
  F64X2_ADD,
  F64X2_SUB,
  V128,
  section,
  vec,
  name,
} from './wasm-encoding.js';

const FEATURE_BYTES = 256 * 3 * 8;

// Locals: parameters, then the loop's own.
const [HIST, COL, N, ROWS, M, PAIRS] = [0, 1, 2, 3, 4, 5];
const [R, GH, O, END] = [6, 7, 8, 9];
const COLS = [COL, 10, 11, 12];

/** hist[o + at] += value, for the slot address in local O. */
const addTo = (at: number, value: number[]) => [
  ...get(O),
  ...get(O),
  ...loadF64(at),
  ...value,
  F64_ADD,
  ...storeF64(at),
];

/** One feature's update for row R: slot = code * 24, then [gradient, hessian] in one SIMD add, then count. */
function updateFeature(k: number): number[] {
  const base = k * FEATURE_BYTES;
  return [
    ...get(HIST),
    ...get(COLS[k]),
    ...get(R),
    ADD,
    ...loadU8,
    ...i32(24),
    MUL,
    ADD,
    ...set(O),
    ...get(O),
    ...get(O),
    ...loadV128(base),
    ...get(GH),
    ...F64X2_ADD,
    ...storeV128(base),
    ...addTo(base + 16, F64_ONE),
  ];
}

/** A loop over rows[0 .. m) updating `features` consecutive features per row. */
function accumulateBody(features: number): number[] {
  const columns: number[] = [];
  for (let k = 1; k < features; k++) columns.push(...get(COLS[k - 1]), ...get(N), ADD, ...set(COLS[k]));
  // r = rows[i]; gh = the pair at position i (pairs + 4 * &rows[i]: pairs follow the rows' order)
  const row = [
    ...get(ROWS),
    ...loadI32(0),
    ...set(R),
    ...get(PAIRS),
    ...get(ROWS),
    ...i32(4),
    MUL,
    ADD,
    ...loadV128(0),
    ...set(GH),
  ];
  const step = (local: number, bytes: number) => [...get(local), ...i32(bytes), ADD, ...set(local)];
  const updates: number[] = [];
  for (let k = 0; k < features; k++) updates.push(...updateFeature(k));
  const locals = [3, 1, I32, 1, V128, 5, I32]; // R | GH | O END c1 c2 c3
  return [
    ...locals,
    ...columns,
    ...get(ROWS),
    ...get(M),
    ...i32(4),
    MUL,
    ADD,
    ...set(END),
    ...BLOCK,
    ...LOOP,
    ...get(ROWS),
    ...get(END),
    GE_U,
    ...brIf(1), // rows >= end: out of the block
    ...row,
    ...updates,
    ...step(ROWS, 4),
    ...br(0), // next row
    END_OP, // loop
    END_OP, // block
    END_OP, // function
  ];
}

/** `sub(parent, child, bytes)`: parent -= child over `bytes` (a multiple of 16). */
function subtractBody(): number[] {
  const [PARENT, CHILD, BYTES, STOP] = [0, 1, 2, 3];
  const step = (local: number) => [...get(local), ...i32(16), ADD, ...set(local)];
  return [
    ...[1, 1, I32], // STOP
    ...get(PARENT),
    ...get(BYTES),
    ADD,
    ...set(STOP),
    ...BLOCK,
    ...LOOP,
    ...get(PARENT),
    ...get(STOP),
    GE_U,
    ...brIf(1),
    ...get(PARENT),
    ...get(PARENT),
    ...loadV128(0),
    ...get(CHILD),
    ...loadV128(0),
    ...F64X2_SUB,
    ...storeV128(0),
    ...step(PARENT),
    ...step(CHILD),
    ...br(0),
    END_OP,
    END_OP,
    END_OP,
  ];
}

/**
 * `split(read, m, col, table, left, right, pairsIn, pairsOut) -> lefts` and `splitBack(...)`:
 * the m row ids at read, split by table[code] (1 = left) of their code in column col, written
 * to another row index: left ones at left, right ones at right, each row's gradient pair
 * moving with it (pairsIn + 4 * its read address to pairsOut + 4 * its written address).
 * `split` reads and writes forward (left, right: the next slots); `splitBack` reads from the
 * end backward and writes backward (left, right: one past the last slots). Both keep the rows'
 * order, so a node's rows split from both ends meet in one stable partition. Branch-free (a
 * select picks the slot), as a split's left/right is a coin flip the CPU cannot predict.
 */
function splitBody(backward: boolean): number[] {
  const [READ, M, COL, TABLE, LEFT, RIGHT, PAIRS_IN, PAIRS_OUT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [STOP, ROW, IS_LEFT, DEST, LEFT0, GH] = [8, 9, 10, 11, 12, 13];
  const add = (local: number, value: number[]) => [...get(local), ...value, ADD, ...set(local)];
  const sub = (local: number, value: number[]) => [...get(local), ...value, SUB, ...set(local)];
  const pairAt = (base: number, at: number) => [...get(base), ...get(at), ...i32(4), MUL, ADD];
  const leftStep = [...get(IS_LEFT), ...i32(4), MUL];
  const rightStep = [...i32(4), ...get(IS_LEFT), ...i32(4), MUL, SUB];
  const end = [...get(READ), ...get(M), ...i32(4), MUL, ADD];
  const pick = [...get(LEFT), ...get(RIGHT), ...get(IS_LEFT), SELECT, ...set(DEST)];
  const move = [
    ...get(DEST),
    ...get(ROW),
    ...storeI32(0),
    ...pairAt(PAIRS_OUT, DEST),
    ...get(GH),
    ...storeV128(0),
  ];
  const advance = backward
    ? [...sub(LEFT, leftStep), ...sub(RIGHT, rightStep), ...pick, ...move]
    : [...pick, ...move, ...add(LEFT, leftStep), ...add(RIGHT, rightStep), ...add(READ, i32(4))];
  return [
    ...[2, 5, I32, 1, V128], // STOP ROW IS_LEFT DEST LEFT0 | GH
    ...get(LEFT),
    ...set(LEFT0),
    // Forward: READ runs up to STOP = the end; backward: from the end down to STOP = READ.
    ...(backward ? [...get(READ), ...set(STOP), ...end, ...set(READ)] : [...end, ...set(STOP)]),
    ...BLOCK,
    ...LOOP,
    ...(backward ? [...get(READ), ...get(STOP), LE_U] : [...get(READ), ...get(STOP), GE_U]),
    ...brIf(1), // every row read: done
    ...(backward ? sub(READ, i32(4)) : []),
    ...get(READ),
    ...loadI32(0),
    ...set(ROW),
    ...pairAt(PAIRS_IN, READ),
    ...loadV128(0),
    ...set(GH),
    ...get(TABLE),
    ...get(COL),
    ...get(ROW),
    ADD,
    ...loadU8,
    ADD,
    ...loadU8,
    ...set(IS_LEFT),
    ...advance,
    ...br(0),
    END_OP, // loop
    END_OP, // block
    ...(backward ? [...get(LEFT0), ...get(LEFT)] : [...get(LEFT), ...get(LEFT0)]),
    SUB,
    ...i32(2),
    SHR_U,
    END_OP, // function
  ];
}

/** `addLeaf(out, rows, m, value)`: out[rows[i]] += value over the m row ids at rows. */
function addLeafBody(): number[] {
  const [OUT, ROWS, M, VALUE, STOP, AT] = [0, 1, 2, 3, 4, 5];
  return [
    ...[1, 2, I32], // STOP AT
    ...get(ROWS),
    ...get(M),
    ...i32(4),
    MUL,
    ADD,
    ...set(STOP),
    ...BLOCK,
    ...LOOP,
    ...get(ROWS),
    ...get(STOP),
    GE_U,
    ...brIf(1),
    ...get(OUT),
    ...get(ROWS),
    ...loadI32(0),
    ...i32(8),
    MUL,
    ADD,
    ...set(AT),
    ...get(AT),
    ...get(AT),
    ...loadF64(0),
    ...get(VALUE),
    F64_ADD,
    ...storeF64(0),
    ...get(ROWS),
    ...i32(4),
    ADD,
    ...set(ROWS),
    ...br(0),
    END_OP, // loop
    END_OP, // block
    END_OP, // function
  ];
}

/** The largest memory the module imports (4 GiB of 64 KiB pages, wasm32's limit). */
export const MAX_MEMORY_PAGES = 65_536;

function moduleBytes(): Uint8Array {
  const accumulateType = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0];
  const subtractType = [0x60, ...vec([[I32], [I32], [I32]]), 0];
  const splitType = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([[I32]])];
  const addLeafType = [0x60, ...vec([[I32], [I32], [I32], [F64]]), 0];
  const memoryLimits = [0x02, 0x03, ...uleb(1), ...uleb(MAX_MEMORY_PAGES)];
  const bodies = [
    accumulateBody(4),
    accumulateBody(1),
    subtractBody(),
    splitBody(false),
    addLeafBody(),
    accumulateBody(2),
    accumulateBody(3),
    splitBody(true),
  ].map((b) => [...uleb(b.length), ...b]);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([accumulateType, subtractType, splitType, addLeafType])),
    ...section(2, vec([[...name('env'), ...name('mem'), ...memoryLimits]])),
    ...section(3, vec([[0], [0], [1], [2], [3], [0], [0], [2]])),
    ...section(
      7,
      vec([
        [...name('acc4'), 0x00, 0],
        [...name('acc1'), 0x00, 1],
        [...name('sub'), 0x00, 2],
        [...name('split'), 0x00, 3],
        [...name('addLeaf'), 0x00, 4],
        [...name('acc2'), 0x00, 5],
        [...name('acc3'), 0x00, 6],
        [...name('splitBack'), 0x00, 7],
      ]),
    ),
    ...section(10, vec(bodies)),
  ]);
}

/**
 * The slice of the WebAssembly JS API used here. The project compiles without the DOM lib,
 * and @types/node 20 declares the namespace without these members, so they are typed here.
 */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (limits: { initial: number; maximum: number; shared: true }) => SharedWasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/**
 * The compiled kernel module, built on first use and kept for the process (workers get it
 * through workerData); a process that never fits gradient boosting never compiles it.
 */
export function histogramKernel(): object {
  compiled ??= new wasm.Module(moduleBytes());
  return compiled;
}

/** read, m, col, table, left, right, pairsIn, pairsOut (see splitBody). */
type SplitArgs = [number, number, number, number, number, number, number, number];

export interface HistogramKernel {
  acc4(hist: number, col: number, n: number, rows: number, m: number, pairs: number): void;
  acc1(hist: number, col: number, n: number, rows: number, m: number, pairs: number): void;
  acc2(hist: number, col: number, n: number, rows: number, m: number, pairs: number): void;
  acc3(hist: number, col: number, n: number, rows: number, m: number, pairs: number): void;
  sub(parent: number, child: number, bytes: number): void;
  split(...args: SplitArgs): number;
  splitBack(...args: SplitArgs): number;
  addLeaf(out: number, rows: number, m: number, value: number): void;
}

/** A zeroed shared memory of `initial` 64 KiB pages that can grow to `maximum`. */
export function sharedMemory(initial: number, maximum: number): SharedWasmMemory {
  return new wasm.Memory({ initial, maximum, shared: true });
}

/** The kernel bound to a memory made by `sharedMemory` (its maximum at most MAX_MEMORY_PAGES). */
export function instantiateKernel(memory: SharedWasmMemory): HistogramKernel {
  const { exports } = new wasm.Instance(histogramKernel(), { env: { mem: memory } });
  return exports as HistogramKernel;
}
