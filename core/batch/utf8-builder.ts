/**
 * Bytes built by appending strings, each UTF-8 encoded straight into one growing buffer: no joined
 * string to flatten, no Buffer per piece to concatenate afterwards (result files and output parts
 * are megabytes made of many pieces).
 */
export class Utf8Builder {
  private buffer: Buffer;
  private used = 0;

  constructor(capacity = 64 * 1024) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(capacity, 16));
  }

  /** Bytes appended so far. */
  get length(): number {
    return this.used;
  }

  /** Appends `text` encoded as UTF-8 (a lone surrogate becomes U+FFFD, as Buffer.from does). */
  append(text: string): void {
    // A UTF-16 unit takes at most 3 UTF-8 bytes; measure exactly only when that bound may not fit.
    if (this.buffer.length - this.used < text.length * 3) this.reserve(Buffer.byteLength(text));
    this.used += this.buffer.write(text, this.used);
  }

  /** Appends `bytes` as they are. */
  appendBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** The bytes appended, as a view of the builder's buffer; the builder must not be used after. */
  take(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  private reserve(bytes: number): void {
    const need = this.used + bytes;
    if (need <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(need, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}
