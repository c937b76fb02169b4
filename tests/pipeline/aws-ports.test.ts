import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../core/ports.js';
import { eventBridgePublisher, sfnPipelineRunner } from '../../lambdas/aws-ports.js';
import { fakeClient } from './fake-aws-client.js';

// The AWS control plane (Step Functions, EventBridge) is mocked here, and only here: a fake
// client records the commands the ports send and answers as the services document.
const TRAINING = 'arn:aws:states:eu-west-1:123456789012:stateMachine:cirrus-training';
const SWEEP = 'arn:aws:states:eu-west-1:123456789012:stateMachine:cirrus-training-sweep';
const at = new Date('2030-01-01T00:00:00.000Z');

describe('sfnPipelineRunner', () => {
  it('starts the named pipeline’s state machine with the input as JSON', async () => {
    const client = fakeClient(() => ({
      executionArn: `${SWEEP.replace('stateMachine', 'execution')}:run-1`,
      startDate: at,
    }));
    const runner = sfnPipelineRunner({ client, stateMachineArns: { training: TRAINING, sweep: SWEEP } });

    const { executionId } = await runner.start('sweep', 'run-1', { request: { experiment: 'iris' } });

    expect(executionId).toBe('arn:aws:states:eu-west-1:123456789012:execution:cirrus-training-sweep:run-1');
    const command = client.sent[0] as StartExecutionCommand;
    expect(command).toBeInstanceOf(StartExecutionCommand);
    expect(command.input).toEqual({
      stateMachineArn: SWEEP,
      name: 'run-1',
      input: '{"request":{"experiment":"iris"}}',
    });
  });

  it('describes an execution by name and maps its history to the local event shape', async () => {
    const trainingExecution = 'arn:aws:states:eu-west-1:123456789012:execution:cirrus-training:run-2';
    const client = fakeClient((command) => {
      if (command instanceof DescribeExecutionCommand) {
        if (command.input.executionArn !== trainingExecution) {
          throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
        }
        return {
          executionArn: trainingExecution,
          status: 'FAILED',
          startDate: at,
          stopDate: at,
          error: 'States.TaskFailed',
          cause: '{}',
        };
      }
      if (command instanceof GetExecutionHistoryCommand) {
        const first = command.input.nextToken === undefined;
        return first
          ? {
              events: [
                {
                  id: 2,
                  type: 'TaskStateEntered',
                  timestamp: at,
                  stateEnteredEventDetails: { name: 'Validate', input: '{"runId":"run-2"}' },
                },
              ],
              nextToken: 'page-2',
            }
          : {
              events: [
                {
                  id: 9,
                  type: 'TaskFailed',
                  timestamp: at,
                  taskFailedEventDetails: {
                    resource: 'x',
                    resourceType: 'sagemaker',
                    error: 'States.TaskFailed',
                    cause: 'boom',
                  },
                },
                {
                  id: 10,
                  type: 'ChoiceStateExited',
                  timestamp: at,
                  stateExitedEventDetails: { name: 'DeployPolicy', output: 'not json' },
                },
              ],
            };
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    });
    const runner = sfnPipelineRunner({ client, stateMachineArns: { sweep: SWEEP, training: TRAINING } });

    const described = await runner.describe('run-2');

    expect(described).toMatchObject({
      executionId: 'run-2',
      status: 'FAILED',
      error: 'States.TaskFailed',
      startedAt: at.toISOString(),
    });
    expect(described.history).toEqual([
      { type: 'StateEntered', at: at.toISOString(), state: 'Validate', input: { runId: 'run-2' } },
      { type: 'TaskFailed', at: at.toISOString(), error: 'States.TaskFailed', cause: 'boom' },
      { type: 'StateExited', at: at.toISOString(), state: 'DeployPolicy', output: 'not json' },
    ]);
  });

  it('answers NotFound naming an execution that exists on no state machine', async () => {
    const client = fakeClient(() => {
      throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
    });
    const runner = sfnPipelineRunner({ client, stateMachineArns: { training: TRAINING } });

    await expect(runner.describe('nope')).rejects.toThrow("execution 'nope' not found");
  });
});

/**
 * A sweep's GetExecutionHistory in the shape Step Functions documents (typed from the SDK's
 * HistoryEvent; written by hand, as no AWS account is reachable from here): two Map iterations
 * interleaved, linked only by previousEventId; branch 1's training job fails and is caught.
 */
function sweepHistory(): HistoryEvent[] {
  const url = new URL('./fixtures/sweep-execution-history.json', import.meta.url);
  const raw = JSON.parse(readFileSync(url, 'utf8')) as (HistoryEvent & { timestamp: string })[];
  return raw.map((e) => ({ ...e, timestamp: new Date(e.timestamp) }));
}

interface ConsolePipeline {
  sweepBranches(history: readonly ExecutionEvent[]): { index: number; algorithm?: string; status?: string }[];
  stateRuns(
    history: readonly ExecutionEvent[],
    execution: { status: string },
    mapIndex?: number,
  ): Record<string, { status: string }>;
}

describe('a sweep execution history from Step Functions', () => {
  it('tags each event inside a Map iteration with its branch, so the console shows each branch’s algorithm', async () => {
    const events = sweepHistory();
    const execution = 'arn:aws:states:eu-west-1:123456789012:execution:cirrus-training-sweep:run-3';
    const client = fakeClient((command) => {
      if (command instanceof DescribeExecutionCommand)
        return { executionArn: execution, status: 'SUCCEEDED', startDate: at, stopDate: at };
      if (command instanceof GetExecutionHistoryCommand) {
        // Two pages, split inside the interleaved iterations.
        return command.input.nextToken === undefined
          ? { events: events.slice(0, 30), nextToken: 'page-2' }
          : { events: events.slice(30) };
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    });
    const runner = sfnPipelineRunner({ client, stateMachineArns: { sweep: SWEEP } });

    const { history } = await runner.describe(execution);

    const branchStates = (i: number) =>
      history.filter((e) => e.mapIndex === i && e.type === 'StateEntered').map((e) => e.state);
    expect(branchStates(0)).toEqual([
      'BuildVariantRequest',
      'ValidateVariant',
      'PrepareVariant',
      'TrainVariant',
      'EvaluateVariant',
      'RegisterVariant',
      'MarkVariantSucceeded',
      'VariantSucceeded',
    ]);
    expect(branchStates(1)).toEqual([
      'BuildVariantRequest',
      'ValidateVariant',
      'PrepareVariant',
      'TrainVariant',
      'MarkVariantFailed',
      'VariantFailed',
    ]);
    // The Map's own closing events and the states after it are the top level again.
    const topLevel = history.filter((e) => e.mapIndex === undefined && e.type === 'StateEntered');
    expect(topLevel.map((e) => e.state)).toEqual(['Variants', 'PickBest', 'Succeeded']);

    // What the run page draws from it (console/src/pipeline.js, the same functions as locally).
    const pipeline = (await import('../../console/src/pipeline.js' as string)) as ConsolePipeline;
    expect(pipeline.sweepBranches(history)).toEqual([
      { index: 0, algorithm: 'logistic_regression', status: 'succeeded' },
      { index: 1, algorithm: 'decision_tree', status: 'failed' },
    ]);
    const branch1 = pipeline.stateRuns(history, { status: 'SUCCEEDED' }, 1);
    expect(branch1.TrainVariant.status).toBe('failed');
    expect(branch1.EvaluateVariant).toBeUndefined();
    expect(pipeline.stateRuns(history, { status: 'SUCCEEDED' }).PickBest.status).toBe('succeeded');
  });
});

describe('eventBridgePublisher', () => {
  it('puts one cirrus event on the bus and throws when EventBridge rejects it', async () => {
    let failed = 0;
    const client = fakeClient(() =>
      failed++ === 0
        ? { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] }
        : { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] },
    );
    const publisher = eventBridgePublisher({ client, eventBusName: 'cirrus-bus' });

    await publisher.publish('ModelDriftDetected', { endpoint: 'iris' });
    await expect(publisher.publish('ModelDriftDetected', { endpoint: 'iris' })).rejects.toThrow(
      /InternalFailure try again/,
    );

    const command = client.sent[0] as PutEventsCommand;
    expect(command.input.Entries).toEqual([
      {
        EventBusName: 'cirrus-bus',
        Source: 'cirrus',
        DetailType: 'ModelDriftDetected',
        Detail: '{"endpoint":"iris"}',
      },
    ]);
  });
});
