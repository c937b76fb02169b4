import { DescribeMapRunCommand, ListMapRunsCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { BatchJobView } from '../../contracts/batch.js';
import { progressLine } from '../../cli/commands/batch.js';
import { mapRunCountsOf, sfnMapRunReader } from '../../lambdas/map-runs.js';

// The Step Functions control plane is mocked: ListMapRuns and DescribeMapRun answer with responses
// in the shape of the API reference (DescribeMapRun's itemCounts/executionCounts), as the SDK
// returns them (dates as Date). No AWS call is made.
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:cirrus-batch-predict';
const JOB = '20261207T140000Z-3f9a1c';
const EXECUTION = `arn:aws:states:us-east-1:123456789012:execution:cirrus-batch-predict:${JOB}`;
const MAP_RUN = `arn:aws:states:us-east-1:123456789012:mapRun:cirrus-batch-predict/ScoreCsv:7b9c1f0e-2d4a-3c5b-9e8f-0a1b2c3d4e5f`;

const DESCRIBE_MAP_RUN = {
  $metadata: { httpStatusCode: 200 },
  mapRunArn: MAP_RUN,
  executionArn: EXECUTION,
  status: 'RUNNING',
  startDate: new Date('2026-12-07T14:00:01.250Z'),
  maxConcurrency: 10,
  toleratedFailurePercentage: 5,
  toleratedFailureCount: 0,
  itemCounts: {
    pending: 40_000,
    running: 10_000,
    succeeded: 47_000,
    failed: 1_000,
    timedOut: 500,
    aborted: 500,
    total: 99_000,
    resultsWritten: 48_000,
    failuresNotRedrivable: 0,
    pendingRedrive: 0,
  },
  executionCounts: {
    pending: 40,
    running: 10,
    succeeded: 47,
    failed: 1,
    timedOut: 0,
    aborted: 1,
    total: 99,
    resultsWritten: 48,
    failuresNotRedrivable: 0,
    pendingRedrive: 0,
  },
  redriveCount: 0,
};

function fakeClient(sent: unknown[]) {
  return {
    send: async (command: unknown) => {
      sent.push(command);
      if (command instanceof ListMapRunsCommand)
        return { mapRuns: [{ executionArn: EXECUTION, mapRunArn: MAP_RUN, startDate: new Date() }] };
      if (command instanceof DescribeMapRunCommand) return DESCRIBE_MAP_RUN;
      throw new Error('unexpected command');
    },
  } as never;
}

describe('batch progress from DescribeMapRun (AWS)', () => {
  it("lists the job execution's Map Run and maps its counts: rows from items, batches from child executions", async () => {
    const sent: unknown[] = [];
    const reader = sfnMapRunReader({ client: fakeClient(sent), stateMachineArn: MACHINE });
    const counts = await reader.mapRunCounts(JOB);
    expect((sent[0] as ListMapRunsCommand).input).toEqual({ executionArn: EXECUTION });
    expect((sent[1] as DescribeMapRunCommand).input).toEqual({ mapRunArn: MAP_RUN });
    expect(counts).toEqual({
      itemsTotal: 99_000,
      itemsSucceeded: 47_000,
      itemsFailed: 2_000, // failed + timed out + aborted
      executionsTotal: 99,
      executionsFailed: 2,
      readerDone: false,
    });
  });

  it('feeds the same progress line the local runtime does; the total is final once the Map Run ended', () => {
    const view = (status: string) => {
      const c = mapRunCountsOf({ ...DESCRIBE_MAP_RUN, status } as never);
      return {
        jobId: JOB,
        status: 'RUNNING',
        progress: {
          rowsRead: c.itemsTotal,
          rowsDone: c.itemsSucceeded,
          rowsFailed: c.itemsFailed,
          readerDone: c.readerDone,
          batches: c.executionsTotal,
          batchesFailed: c.executionsFailed,
        },
      } as BatchJobView;
    };
    expect(progressLine(view('RUNNING'), 10)).toBe(
      '[..........] 47,000/99,000+ rows · 99 batches · 2 failed',
    );
    expect(progressLine(view('SUCCEEDED'), 10)).toBe(
      '[#####.....] 47,000/99,000 rows · 99 batches · 2 failed',
    );
  });

  it('has no progress before the Map Run exists', async () => {
    const client = { send: async () => ({ mapRuns: [] }) } as never;
    expect(await sfnMapRunReader({ client, stateMachineArn: MACHINE }).mapRunCounts(JOB)).toBeUndefined();
  });
});
