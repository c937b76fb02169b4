import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
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
