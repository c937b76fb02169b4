import {
  DescribeMapRunCommand,
  type DescribeMapRunCommandOutput,
  ListMapRunsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { MapRunCounts, MapRunReader } from '../core/ports.js';
import { executionArnOf } from './aws-ports.js';

export interface SfnMapRunReaderOptions {
  readonly client: Pick<SFNClient, 'send'>;
  /** The batch-predict state machine (a job's execution is named by its job id). */
  readonly stateMachineArn: string;
}

/**
 * The MapRunReader port on Step Functions: ListMapRuns on the job's execution, then DescribeMapRun
 * of its Map Run (a job runs one Distributed Map: CSV or JSON Lines). Undefined before the Map
 * Run exists. Needs states:ListMapRuns on the execution and states:DescribeMapRun on the Map Run.
 */
export function sfnMapRunReader(options: SfnMapRunReaderOptions): MapRunReader {
  const { client, stateMachineArn } = options;
  return {
    async mapRunCounts(executionId) {
      const executionArn = executionId.startsWith('arn:')
        ? executionId
        : executionArnOf(stateMachineArn, executionId);
      const listed = await client.send(new ListMapRunsCommand({ executionArn }));
      const mapRunArn = listed.mapRuns?.[0]?.mapRunArn;
      if (!mapRunArn) return undefined;
      return mapRunCountsOf(await client.send(new DescribeMapRunCommand({ mapRunArn })));
    },
  };
}

/**
 * DescribeMapRun's counts in the shape the CLI's progress bar reads: items are rows (the
 * ItemBatcher batches them), child executions are batches; timed-out and aborted count as
 * failed. Step Functions does not say when its reader has read the last item, so the total is
 * final only once the Map Run has ended.
 */
export function mapRunCountsOf(d: DescribeMapRunCommandOutput): MapRunCounts {
  const items = d.itemCounts;
  const runs = d.executionCounts;
  const lost = (c: typeof items | typeof runs) => (c?.failed ?? 0) + (c?.timedOut ?? 0) + (c?.aborted ?? 0);
  return {
    itemsTotal: items?.total ?? 0,
    itemsSucceeded: items?.succeeded ?? 0,
    itemsFailed: lost(items),
    executionsTotal: runs?.total ?? 0,
    executionsFailed: lost(runs),
    readerDone: d.status !== undefined && d.status !== 'RUNNING',
  };
}
