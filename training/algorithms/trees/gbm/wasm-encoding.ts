/**
 * Just enough of the WebAssembly binary format to write the histogram kernels by hand
 * (wasm-kernel.ts): LEB128 numbers, the instructions they use, sections. Each instruction is
 * an array of bytes; a function body is their concatenation.
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128, as every count, index, size and memarg offset is encoded. */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (i32.const immediates). */
export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const i32 = (v: number) => [0x41, ...sleb(v)];
export const ADD = 0x6a;
export const MUL = 0x6c;
export const loadI32 = (offset: number) => [0x28, 2, ...uleb(offset)];
export const loadU8 = [0x2d, 0, 0];
export const loadF64 = (offset: number) => [0x2b, 3, ...uleb(offset)];
export const storeF64 = (offset: number) => [0x39, 3, ...uleb(offset)];
export const F64_ADD = 0xa0;
export const GE_U = 0x4f;
export const LE_U = 0x4d;
/** select(a, b, c): a when c != 0, else b. */
export const SELECT = 0x1b;
export const SUB = 0x6b;
export const SHR_U = 0x76;
export const storeI32 = (offset: number) => [0x36, 2, ...uleb(offset)];
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const br = (depth: number) => [0x0c, depth];
export const brIf = (depth: number) => [0x0d, depth];
export const END_OP = 0x0b;
export const F64_ONE = [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f];

// SIMD: two float64 per instruction.
export const loadV128 = (offset: number) => [0xfd, 0x00, 3, ...uleb(offset)];
export const storeV128 = (offset: number) => [0xfd, 0x0b, 3, ...uleb(offset)];
export const F64X2_SUB = [0xfd, 0xf1, 0x01];
export const F64X2_ADD = [0xfd, 0xf0, 0x01];

export const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
export const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
export const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
