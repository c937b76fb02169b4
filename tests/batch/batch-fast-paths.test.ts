import type { RunOptions } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { ModelContract } from '../../contracts/model-contract.js';
import { plainNumericRows } from '../../core/batch/numeric-rows.js';
import { featureRow, lineFormatter } from '../../core/batch/rows.js';
import { tensorLines } from '../../core/batch/tensor-lines.js';
import { decodeOutputs, encodeRows } from '../../core/ml/onnx-io.js';
import * as ort from 'onnxruntime-node';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { directChild } from '../../local/stepfunctions/direct-task.js';
import { lineChunks } from '../../local/stepfunctions/item-reader.js';
import { jsonBytes, rememberJsonBytes } from '../../local/stepfunctions/data-limit.js';
import { compileSelector } from '../../local/stepfunctions/item-selector.js';
import { applyTemplate } from '../../local/stepfunctions/payload-template.js';
import { StatesError } from '../../local/stepfunctions/states-error.js';
import { classifierContract, regressorContract } from '../serving/fixtures/tiny-models.js';

// The batch path's shortcuts, each checked against the general code it stands in for: the same
// numbers as serving's validating path, the same lengths as JSON.stringify, the same items as
// the payload template, the same Retry semantics as the interpreter.

const source = { kind: 'csv' as const, column: 'x' };
const numericContract = {
  ...classifierContract,
  features: [{ name: 'x', type: 'numeric', source }],
} as unknown as ModelContract;

/** Serving's reading of one CSV cell: the number it scores, or undefined when it refuses or treats it as missing. */
function servingReads(cell: string): number | undefined {
  try {
    const row = featureRow(numericContract, { x: cell }, true);
    const n = encodeRows(numericContract, { rows: [row], root: 'rows', pathOf: () => 'row' }).numeric[0];
    return Number.isNaN(n) ? undefined : n;
  } catch {
    return undefined;
  }
}

describe('plainNumericRows', () => {
  const plain = ['1.5', '-2', '+3', '.5', '5.', '1e3', '1.5E-2', '00012', '-0', '7 ', '3.4028235e38'];
  const other = ['0x10', '0b1', '0o7', ' 5', '', ' ', '-', '1e1000', 'Infinity', 'NaN', '1,5', 'abc', '1_0'];

  it('reads plain CSV numbers exactly as serving does', () => {
    for (const cell of plain) {
      const rows = plainNumericRows(numericContract, [{ values: { x: cell } }], true);
      expect(rows, cell).toBeDefined();
      expect(rows?.numeric[0], cell).toBe(servingReads(cell));
    }
  });

  it('leaves every other cell to the validating path (never a number serving would refuse)', () => {
    for (const cell of other) {
      const rows = plainNumericRows(numericContract, [{ values: { x: cell } }], true);
      if (rows) expect(rows.numeric[0], cell).toBe(servingReads(cell));
      if (servingReads(cell) === undefined) expect(rows, cell).toBeUndefined();
    }
    expect(plainNumericRows(numericContract, [{ values: {} }], true)).toBeUndefined();
    expect(plainNumericRows(numericContract, [{ values: { x: '1' } }], false)).toBeUndefined();
    expect(plainNumericRows(numericContract, [{ values: { x: 2 } }], false)?.numeric[0]).toBe(2);
    expect(
      plainNumericRows(classifierContract, [{ values: { x1: '1', color: 'red', x2: '2' } }], true),
    ).toBeUndefined();
  });
});

describe('jsonBytes', () => {
  it('is the UTF-8 length of JSON.stringify', () => {
    const values: unknown[] = [
      'plain',
      'quote " and \\ and \n and \u0001',
      'é ü 中 😀',
      '\ud800',
      0,
      -0,
      1e21,
      -1.5e-7,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      false,
      null,
      [],
      {},
      [1, undefined, 'a', null, () => 1],
      { a: 1, b: undefined, c: () => 1, 'd"e': ['x', { f: null }], 10: 'ten' },
      { row: 3, values: { f0: '-1.25', f1: '', f2: 'a,b' } },
      { toJSON: () => 'custom' },
      new Date(0),
      [Symbol('s')],
      { s: Symbol('s') },
    ];
    for (const v of values)
      expect(jsonBytes(v), JSON.stringify(v)).toBe(Buffer.byteLength(JSON.stringify(v)));
  });

  it('takes a remembered size as it is, wherever the value sits', () => {
    const batch = { Items: [{ row: 0, values: { a: '1' } }] };
    const wrapped = { FunctionName: 'f', Payload: batch };
    const exact = Buffer.byteLength(JSON.stringify(wrapped));
    expect(jsonBytes(wrapped)).toBe(exact);
    rememberJsonBytes(batch, Buffer.byteLength(JSON.stringify(batch)) + 100);
    expect(jsonBytes(wrapped)).toBe(exact + 100);
  });
});

describe('compileSelector', () => {
  it('builds the same items as the payload template', () => {
    const template = {
      'row.$': '$$.Map.Item.Index',
      'values.$': '$$.Map.Item.Value',
      'first.$': '$$.Map.Item.Value.a',
      'job.$': '$.jobId',
      fixed: { n: 1, list: [{ 'm.$': '$.model' }, 'x'] },
    };
    const input = { jobId: 'j1', model: 'm' };
    const select = compileSelector(template, input);
    for (const [index, value] of [
      [0, { a: 'A' }],
      [7, { a: 2, b: 3 }],
    ] as const) {
      const expected = applyTemplate(template, input, { Map: { Item: { Index: index, Value: value } } });
      expect(select(index, value)).toEqual(expected);
    }
  });
});

describe('lineFormatter', () => {
  it('quotes what CSV needs and leaves numbers as they are', () => {
    const line = lineFormatter(classifierContract, 'csv', 'my,model', 3);
    expect(line('k"1', { label: 'yes', probabilities: { no: 0.25, yes: 0.75 } })).toBe(
      '"k""1",yes,0.25,0.75,"my,model",3',
    );
    expect(line(5, { label: 'no' })).toBe('5,no,,,"my,model",3');
  });
});

describe('directChild (a one-Task ItemProcessor run without the interpreter)', () => {
  const processor = (retry: unknown[], extra: Record<string, unknown> = {}) => ({
    StartAt: 'Score',
    States: {
      Score: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'f', 'Payload.$': '$' },
        OutputPath: '$.Payload',
        Retry: retry,
        End: true,
        ...extra,
      },
    },
  });
  /** A handler failing with `names` in turn, then answering its input. */
  const failing = (names: string[]) => {
    const calls: unknown[] = [];
    const handler = async (input: unknown) => {
      calls.push(input);
      const name = names[calls.length - 1];
      if (name) throw new StatesError(name, 'boom');
      return { Payload: (input as { Payload: unknown }).Payload, StatusCode: 200 };
    };
    return { calls, handler };
  };
  const options = (handler: (input: unknown) => Promise<unknown>): RunOptions => ({
    overrides: {
      taskResourceLocalHandlers: { Score: handler as never },
      retryIntervalOverrides: { Score: 0 },
    },
  });
  const throttled = { ErrorEquals: ['Throttled'], MaxAttempts: 2 };

  it('applies Parameters and OutputPath, retries a matching error up to MaxAttempts', async () => {
    const { calls, handler } = failing(['Throttled', 'Throttled']);
    const run = directChild(processor([throttled]), options(handler));
    await expect(run?.({ rows: [1] }, {})).resolves.toEqual({ rows: [1] });
    expect(calls).toEqual([1, 2, 3].map(() => ({ FunctionName: 'f', Payload: { rows: [1] } })));
  });

  it('fails once the attempts are spent, or at once for an error no retrier names', async () => {
    const spent = failing(['Throttled', 'Throttled', 'Throttled']);
    await expect(directChild(processor([throttled]), options(spent.handler))?.({}, {})).rejects.toThrow(
      'boom',
    );
    expect(spent.calls).toHaveLength(3);
    const other = failing(['ValidationError']);
    await expect(directChild(processor([throttled]), options(other.handler))?.({}, {})).rejects.toThrow(
      'boom',
    );
    expect(other.calls).toHaveLength(1);
  });

  it('retries any error but States.Timeout under States.TaskFailed, and any under States.ALL', async () => {
    const task = failing(['Oops']);
    const taskFailed = [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }];
    await expect(directChild(processor(taskFailed), options(task.handler))?.({}, {})).resolves.toEqual({});
    const timedOut = failing(['States.Timeout']);
    const notRetried = directChild(processor(taskFailed), options(timedOut.handler))?.({}, {});
    await expect(notRetried).rejects.toMatchObject({ name: 'States.Timeout' });
    const all = failing(['States.Timeout']);
    const anyError = [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }];
    await expect(directChild(processor(anyError), options(all.handler))?.({}, {})).resolves.toEqual({});
  });

  it('times out as States.Timeout, and leaves other shapes to the interpreter', async () => {
    const never = () => new Promise<unknown>(() => undefined);
    const run = directChild(processor([], { TimeoutSeconds: 0.05 }), options(never));
    await expect(run?.({}, {})).rejects.toMatchObject({ name: 'States.Timeout' });
    expect(directChild(processor([], { ResultPath: '$.r' }), options(never))).toBeUndefined();
    expect(directChild(processor([], { Catch: [] }), options(never))).toBeUndefined();
  });
});

describe('lineChunks', () => {
  it('splits lines as readline does, wherever the chunks break', async () => {
    const texts = ['a,b\nc,d\n', 'a\r\nb\rc\n\nd', 'x\r', 'é,"q\nq"\r\n中\n', '', '\n\n', 'last'];
    for (const text of texts) {
      const bytes = Buffer.from(text);
      const expected: string[] = [];
      const rl = createInterface({ input: Readable.from([bytes]), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of rl) expected.push(line);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const got: string[] = [];
        for await (const lines of lineChunks(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)])))
          got.push(...lines);
        expect(got, `${JSON.stringify(text)} cut at ${cut}`).toEqual(expected);
      }
    }
  });
});

describe('tensorLines', () => {
  const keys = ['k"1', 2, 'a,b'];
  const keyOf = (i: number) => keys[i];
  /** The general path's lines: Prediction objects from decodeOutputs through lineFormatter. */
  const general = (contract: ModelContract, outputs: Record<string, ort.Tensor>) => {
    const line = lineFormatter(contract, 'csv', 'm,1', 3);
    return decodeOutputs(contract, outputs, 3).map((p, i) => line(keyOf(i), p));
  };
  const classifier = (classes: string[], probs: number[], labels = [1n, 0n, 5n]) => ({
    contract: { ...classifierContract, classes } as ModelContract,
    outputs: {
      label: new ort.Tensor('int64', BigInt64Array.from(labels), [3]),
      probabilities: new ort.Tensor('float32', Float32Array.from(probs), [3, classes.length]),
    },
  });

  it('writes the lines decodeOutputs + lineFormatter write (quoted classes, keys, an unknown label index)', () => {
    const { contract, outputs } = classifier(['no', 'y"es'], [0.1, 0.9, 0.75, 0.25, 1e-8, 1]);
    const lines = tensorLines(contract, outputs, 3, keyOf, ',"m,1",3');
    expect(lines).toEqual(general(contract, outputs));
    const value = new ort.Tensor('float32', Float32Array.from([1.5, -2e-7, 3e21]), [3, 1]);
    expect(tensorLines(regressorContract, { variable: value }, 3, keyOf, ',"m,1",3')).toEqual(
      general(regressorContract, { variable: value }),
    );
  });

  it('leaves to the general path what it does not write: non-finite values, repeated or mismatched classes', () => {
    const tail = ',m,3';
    expect(
      tensorLines(
        classifier(['no', 'yes'], [0, 1, Number.NaN, 1, 0, 1]).contract,
        classifier(['no', 'yes'], [0, 1, Number.NaN, 1, 0, 1]).outputs,
        3,
        keyOf,
        tail,
      ),
    ).toBeUndefined();
    const repeated = classifier(['a', 'a'], [0, 1, 0, 1, 0, 1]);
    expect(tensorLines(repeated.contract, repeated.outputs, 3, keyOf, tail)).toBeUndefined();
    const wide = classifier(['a', 'b'], [0, 1, 0, 1, 0, 1]);
    expect(
      tensorLines({ ...wide.contract, classes: ['a', 'b', 'c'] }, wide.outputs, 3, keyOf, tail),
    ).toBeUndefined();
    const inf = new ort.Tensor('float32', Float32Array.from([1, Number.POSITIVE_INFINITY, 3]), [3, 1]);
    expect(tensorLines(regressorContract, { variable: inf }, 3, keyOf, tail)).toBeUndefined();
  });
});
