import { describe, expect, it } from 'vitest';
import type { PredictionLogRecord } from '../../contracts/serving.js';
import {
  type BuiltPart,
  MAX_PART_BYTES,
  RequestIdAllocator,
  SEGMENT_SIZE,
  segmentOf,
} from '../../core/serving/log-layout.js';
import { PartBuilder } from '../../core/serving/log-parts.js';

function record(requestId: string, over: Partial<PredictionLogRecord> = {}): PredictionLogRecord {
  return {
    requestId,
    endpoint: 'iris',
    model: 'iris',
    version: 1,
    variant: 'champion',
    shadow: false,
    inputs: [{ x: 1.5, city: 'Zürich' }],
    outputs: [{ label: 'yes', probabilities: { no: 0.25, yes: 0.75 } }],
    rowCount: 1,
    latencyMs: 0.5,
    at: '2026-12-05T07:00:00.000Z',
    ...over,
  };
}

const linesOf = (part: BuiltPart) => part.lines.toString('utf8').split('\n');

describe('PartBuilder', () => {
  it('groups records by segment and endpoint in arrival order, closing a part at SEGMENT_SIZE', () => {
    const ids = new RequestIdAllocator();
    const builder = new PartBuilder();
    const logged: PredictionLogRecord[] = [];
    for (let i = 0; i < 2 * SEGMENT_SIZE + 10; i++) {
      const r = record(ids.next(), { endpoint: i % 3 === 0 ? 'fraud' : 'iris' });
      builder.add(r);
      logged.push(r);
    }
    expect(builder.records).toBe(logged.length);
    const parts = builder.take();
    expect(builder.records).toBe(0);
    expect(builder.take()).toEqual([]);
    // 3 segments x 2 endpoints.
    expect(parts).toHaveLength(6);
    for (const part of parts) {
      const lines = linesOf(part);
      expect(lines).toHaveLength(part.count);
      const expected = logged.filter(
        (r) => segmentOf(r.requestId) === part.segment && r.endpoint === part.endpoint,
      );
      expect(lines.map((l) => JSON.parse(l))).toEqual(expected);
    }
    expect(parts.reduce((n, p) => n + p.count, 0)).toBe(logged.length);
  });

  it('keeps multi-byte text exact and cuts parts by their UTF-8 bytes, not their length', () => {
    const ids = new RequestIdAllocator();
    const builder = new PartBuilder();
    // ~48 K characters, ~144 KB of UTF-8: two would fit by length, only one by bytes.
    const wide = '日本語'.repeat(16_000);
    const records = [1, 2, 3].map(() => record(ids.next(), { inputs: [{ note: wide }] }));
    for (const r of records) builder.add(r);
    const parts = builder.take();
    expect(parts.map((p) => p.count)).toEqual([1, 1, 1]);
    for (const [i, part] of parts.entries()) {
      expect(part.segment).toBe(segmentOf(records[0].requestId));
      expect(part.lines.length).toBeLessThanOrEqual(MAX_PART_BYTES);
      expect(JSON.parse(linesOf(part)[0])).toEqual(records[i]);
    }
  });

  it('grows a part past its first buffer without losing earlier lines', () => {
    const ids = new RequestIdAllocator();
    const builder = new PartBuilder();
    const big = 'x'.repeat(3_000); // 64 records of ~3 KB: several times the first buffer
    const logged = Array.from({ length: SEGMENT_SIZE }, () => record(ids.next(), { inputs: [{ big }] }));
    for (const r of logged) builder.add(r);
    const [part] = builder.take();
    expect(part.count).toBe(SEGMENT_SIZE);
    expect(linesOf(part).map((l) => JSON.parse(l))).toEqual(logged);
  });

  it("gives an id outside the writer's segments a part of its own, shadows included", () => {
    const builder = new PartBuilder();
    const logged = ['a', 'b', 'c'].flatMap((id) => [
      record(`client-${id}`),
      record(`client-${id}`, { variant: 'shadow', shadow: true }),
    ]);
    for (const r of logged) builder.add(r);
    const parts = builder.take();
    expect(parts.map((p) => [p.segment, p.count])).toEqual([
      ['client-a', 2],
      ['client-b', 2],
      ['client-c', 2],
    ]);
    for (const part of parts)
      expect(linesOf(part).map((l) => JSON.parse(l))).toEqual(
        logged.filter((r) => r.requestId === part.segment),
      );
  });
});
