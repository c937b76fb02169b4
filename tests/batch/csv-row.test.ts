import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { RunOptions } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvHeader, CsvRow, csvValues, fieldOf } from '../../core/batch/csv-row.js';
import { decimalAt, plainNumericRows } from '../../core/batch/numeric-rows.js';
import { jsonBytes } from '../../local/stepfunctions/data-limit.js';
import { runDistributedMap } from '../../local/stepfunctions/distributed-map.js';
import { startTestEmulators, type TestEmulators } from '../serving/emulators.js';

// Raw CSV rows (core/batch/csv-row.ts) must be invisible to anything that reads them as JSON: a
// child gets, as JSON, exactly what AWS's ItemReader + ItemSelector + ItemBatcher give. The
// reader runs against the real emulated S3; the child is a capturing handler (no model needed).

const NAMES = ['id', 'a', 'b', 'name'];

/** The object AWS's CSV reader makes of a record's fields (every value a string, extras dropped). */
const awsObject = (fields: string[]) => Object.fromEntries(NAMES.map((n, j) => [n, fields[j]]));

describe('CsvRow', () => {
  const header = CsvHeader.of(NAMES) as CsvHeader;

  it('is JSON-equal to the object, sizes it exactly and reads fields by name', () => {
    for (const line of ['1,2.5,-3,x', ',,,', '7,0x1,1e3,a b ~', '1,2,3,']) {
      const row = header.row(line) as CsvRow;
      expect(row).toBeInstanceOf(CsvRow);
      const object = awsObject(line.split(','));
      expect(JSON.stringify(row)).toBe(JSON.stringify(object));
      expect(row.jsonBytes).toBe(Buffer.byteLength(JSON.stringify(object)));
      expect(jsonBytes({ row: 3, values: row })).toBe(
        Buffer.byteLength(JSON.stringify({ row: 3, values: row })),
      );
      for (const name of NAMES) expect(fieldOf(row as never, name)).toBe(object[name]);
      expect(fieldOf(row as never, 'nope')).toBeUndefined();
      expect(csvValues(row)).toEqual(object);
    }
  });

  it('stays raw only when the line is plain ASCII with one field per name', () => {
    for (const line of ['1,2,3', '1,2,3,4,5', '1,"2",3,4', '1,\\,3,4', '1,é,3,4', '1,\t,3,4', '1,\x7f,3,4'])
      expect(header.row(line)).toBeUndefined();
    expect(CsvHeader.of(['a', 'a'])).toBeUndefined();
    expect(CsvHeader.of(['__proto__', 'b'])).toBeUndefined();
  });

  it('gives the numbers the object path gives, and refuses the same cells', () => {
    const contract = {
      task: 'classification',
      classes: ['x', 'y'],
      features: ['a', 'b'].map((name) => ({ name, type: 'numeric' })),
    } as never;
    const lines = ['1,2.5,-3,x', '2,+.5,1e-3,y', '3,0.1,7,z'];
    const raw = lines.map((l, row) => ({ row, values: header.row(l) as never }));
    const objects = lines.map((l, row) => ({ row, values: awsObject(l.split(',')) }));
    expect(plainNumericRows(contract, raw, true)?.numeric).toEqual(
      plainNumericRows(contract, objects, true)?.numeric,
    );
    for (const bad of ['1,0x1,2,x', '1,,2,x', '1,2,abc,x', '1,Infinity,2,x']) {
      expect(plainNumericRows(contract, [{ values: header.row(bad) as never }], true)).toBeUndefined();
      expect(plainNumericRows(contract, [{ values: awsObject(bad.split(',')) }], true)).toBeUndefined();
    }
  });
});

describe('decimalAt', () => {
  it('is Number() wherever it answers, and leaves the rest to Number', () => {
    const cells = [
      '0',
      '-0',
      '+.5',
      '1.',
      '007',
      '-1000.25',
      '123456789012345',
      '0.1',
      '-3.45',
      '9.999999999999999',
    ];
    // Pseudo-random decimals of every length up to 15 digits (a fixed LCG: the same each run).
    let x = 12345;
    for (let i = 0; i < 200_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const digits = String(x).padStart(10, '0') + String(x % 100000).padStart(5, '0');
      const cut = i % 16;
      cells.push(`${i % 2 ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut, (i % 15) + 1 + cut)}`);
    }
    let answered = 0;
    const wrong: string[] = [];
    for (const cell of cells) {
      const fast = decimalAt(`x,${cell},y`, 2, 2 + cell.length);
      if (Number.isNaN(fast)) continue;
      answered++;
      if (!Object.is(fast, Number(cell))) wrong.push(cell);
    }
    expect(wrong).toEqual([]);
    expect(answered).toBeGreaterThan(cells.length * 0.9);
    for (const cell of ['1e3', '1234567890123456', '.', '-', '', '1.2.3', ' 1', '0x1', 'Infinity'])
      expect(decimalAt(cell, 0, cell.length), cell).toBeNaN();
  });
});

describe('a Distributed Map over raw CSV rows', () => {
  let emu: TestEmulators;
  const BUCKET = 'cirrus-artifacts';
  // Plain lines, a quoted record over two lines, non-ASCII, a short and a long row, CRLF.
  const CSV = [
    NAMES.join(','),
    '1,2.5,-3,plain',
    '2,"4,5",6,"two\nlines"',
    '3,1,2,café',
    '4,1',
    '5,1,2,3,extra',
    '6,7,8,back\\slash',
    ...Array.from({ length: 300 }, (_, i) => `${i + 7},${i / 7},${-i},row${i}`),
  ].join('\r\n');

  beforeAll(async () => {
    emu = await startTestEmulators();
    await emu.deps.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/a.csv', Body: CSV }));
  });
  afterAll(async () => emu?.close());

  const mapState = (maxBytes: number) => ({
    Type: 'Map',
    ItemReader: {
      Resource: 'arn:aws:states:::s3:listObjectsV2',
      ReaderConfig: { InputType: 'CSV', Transformation: 'LOAD_AND_FLATTEN', CSVHeaderLocation: 'FIRST_ROW' },
      Parameters: { Bucket: BUCKET, Prefix: 'in/' },
    },
    ItemSelector: { 'row.$': '$$.Map.Item.Index', 'values.$': '$$.Map.Item.Value' },
    ItemBatcher: { MaxInputBytesPerBatch: maxBytes, BatchInput: { 'jobId.$': '$.jobId' } },
    MaxConcurrency: 2,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
      StartAt: 'Capture',
      States: {
        Capture: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'f', 'Payload.$': '$' },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    },
    End: true,
  });

  /** The batches a child receives: as JSON, and their sizes as the data-limit check measures them. */
  async function capture(maxBytes: number) {
    const batches: { json: string; bytes: number; raw: number }[] = [];
    const Capture = async (input: unknown) => {
      const payload = (input as { Payload: { Items: { values: unknown }[] } }).Payload;
      const raw = payload.Items.filter((item) => item.values instanceof CsvRow).length;
      batches.push({ json: JSON.stringify(payload), bytes: jsonBytes(input), raw });
      return { Payload: null };
    };
    const runOptions: RunOptions = {
      overrides: { taskResourceLocalHandlers: { Capture: Capture as never } },
    };
    await runDistributedMap(
      mapState(maxBytes) as never,
      { jobId: 'j1' },
      {
        s3: emu.deps.s3,
        executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e1',
        stateMachineName: 'm',
        stateName: 'Map',
        runOptions,
      },
    );
    return batches;
  }

  /** What AWS's reader + selector + batcher give, built from the records by hand. */
  function expectedItems() {
    const records = [
      ['1', '2.5', '-3', 'plain'],
      ['2', '4,5', '6', 'two\nlines'],
      ['3', '1', '2', 'café'],
      ['4', '1'],
      ['5', '1', '2', '3', 'extra'],
      ['6', '7', '8', 'back\\slash'],
      ...Array.from({ length: 300 }, (_, i) => [`${i + 7}`, `${i / 7}`, `${-i}`, `row${i}`]),
    ];
    return records.map((fields, row) => ({
      row,
      values: Object.fromEntries(NAMES.flatMap((n, j) => (fields[j] === undefined ? [] : [[n, fields[j]]]))),
    }));
  }

  it('gives each child, as JSON, the items AWS gives, and sizes each batch exactly', async () => {
    const batches = await capture(4000);
    expect(batches.length).toBeGreaterThan(3);
    const items = batches.flatMap((b) => (JSON.parse(b.json) as { Items: unknown[] }).Items);
    expect(items).toEqual(expectedItems());
    for (const b of batches) {
      expect(JSON.parse(b.json)).toMatchObject({ BatchInput: { jobId: 'j1' } });
      // The child Task's input is { FunctionName, Payload }: 27 bytes around the batch.
      expect(b.bytes).toBe(Buffer.byteLength(b.json) + Buffer.byteLength('{"FunctionName":"f","Payload":}'));
      expect(Buffer.byteLength(b.json)).toBeLessThanOrEqual(4000);
    }
    // Most rows stayed raw lines (the point of CsvRow); the six odd ones were built as objects.
    expect(batches.reduce((n, b) => n + b.raw, 0)).toBe(301);
  });
});
