import type { Matrix } from './types.js';

/**
 * Whether `X.data` is the only view of a plain ArrayBuffer (no offset, the whole buffer): only
 * then may a fit that is handed X free it; detaching a shared buffer would empty other arrays too.
 */
export function ownsBuffer(X: Matrix): boolean {
  const { data } = X;
  return (
    data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
  );
}

/**
 * Frees X's numbers while references to X remain: its buffer is detached (moved into a clone
 * that is dropped), so `X.data` reads as empty afterwards.
 * `rows` and `cols` keep their values. X must own its buffer (see `ownsBuffer`).
 */
export function releaseMatrix(X: Matrix): void {
  const { buffer } = X.data;
  if (!(buffer instanceof ArrayBuffer) || !ownsBuffer(X))
    throw new Error('releaseMatrix: X.data does not own its buffer');
  structuredClone(buffer, { transfer: [buffer] });
  // Collected now where the process allows it (the trainer's main does), else at the next GC.
  globalThis.gc?.();
}

/** Whether X's numbers were released (see `releaseMatrix`): its data is empty but rows are not. */
export function isReleased(X: Matrix): boolean {
  return X.data.length === 0 && X.rows * X.cols > 0;
}
