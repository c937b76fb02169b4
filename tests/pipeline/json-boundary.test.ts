import { describe, expect, it } from 'vitest';
import { isJsonSafe, jsonBytes, jsonText } from '../../local/stepfunctions/data-limit.js';
import { lambdaInvokeTask } from '../../local/stepfunctions/lambda-task.js';

// The Lambda boundary of the local runtime parses a handler's result from its JSON text once and
// keeps that text and its size: the state-data check and a child's Output reuse them. They must
// be exactly what serializing the response again gives.
const PAYLOADS: unknown[] = [
  { lines: 'a,1\nb,"2"\n', rows: 2, missing: undefined, at: new Date(0) },
  { text: 'é ü 漢字 \u2028 \\ "q" \t', nested: [1, null, { x: -0, y: 1e21 }] },
  [{ a: 1 }, 'two'],
  { empty: {} },
];

describe('the local Lambda boundary', () => {
  it.each(PAYLOADS.map((p, i) => [i, p]))(
    'payload %i: size and text equal a fresh serialization',
    async (_, p) => {
      const response = (await lambdaInvokeTask(async () => p)({ Payload: {} })) as { Payload: unknown };
      const fresh = JSON.stringify(response);
      expect(JSON.parse(fresh)).toEqual(JSON.parse(JSON.stringify({ ...response, Payload: p })));
      expect(jsonBytes(response)).toBe(Buffer.byteLength(fresh));
      expect(jsonText(response.Payload)).toBe(JSON.stringify(response.Payload));
      expect(isJsonSafe(response)).toBe(true);
    },
  );

  it('keeps JSON semantics: undefined fields dropped, Dates as strings, undefined as null', async () => {
    const invoke = lambdaInvokeTask(async (payload) => payload);
    const response = (await invoke({ Payload: { a: undefined, d: new Date(0) } })) as { Payload: unknown };
    expect(response.Payload).toEqual({ d: '1970-01-01T00:00:00.000Z' });
    expect(Object.keys(response.Payload as object)).toEqual(['d']);
    expect(((await invoke({})) as { Payload: unknown }).Payload).toBeNull();
  });
});
