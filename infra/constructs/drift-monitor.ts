import { RemovalPolicy } from 'aws-cdk-lib';
import { EventBus, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RetrainSchedule } from '../config.js';
import { STACK_DEFAULTS } from '../defaults.js';
import { LAMBDA_ENTRIES } from '../entries.js';
import { CirrusFunction } from './cirrus-function.js';
import { type CirrusData, type DataAccess, wireData } from './data-access.js';

/** Source and detail-type of the event the drift function puts when drift crosses a threshold. */
export const DRIFT_EVENT = { source: 'cirrus', detailType: 'ModelDriftDetected' } as const;
/** Source and detail-type of the constant event a retraining schedule hands the retrain function. */
export const SCHEDULED_RETRAIN_EVENT = { source: 'cirrus.schedule', detailType: 'ScheduledRetrain' } as const;

/** Drift reads recent predictions and feedback, the champion's baseline, writes reports and summaries. */
export const DRIFT_ACCESS: DataAccess = {
  bucket: 'readWrite',
  tables: { registry: 'readWrite', predictions: 'read' },
};
/** Retrain looks up the experiment's last training request, then starts the state machine. */
export const RETRAIN_ACCESS: DataAccess = { tables: { tracking: 'read', registry: 'read' } };

export interface DriftMonitorProps {
  readonly data: CirrusData;
  readonly trainingStateMachine: StateMachine;
  readonly logRetention: RetentionDays;
  readonly retainData: boolean;
  readonly namePrefix: string;
  /**
   * Schedule expression of the drift evaluation.
   * @default 'rate(1 hour)'
   */
  readonly driftSchedule?: string;
  /**
   * Per-experiment retraining schedules: one rule each, handing the retrain function
   * `{ source: 'cirrus.schedule', 'detail-type': 'ScheduledRetrain', detail: { experiment } }`.
   * @default - none
   */
  readonly retrainSchedules?: readonly RetrainSchedule[];
}

/**
 * Drift monitoring and retraining: the drift function on a schedule, the `ModelDriftDetected`
 * rule (on the default bus, where the drift function puts its events) that hands the event to
 * the retrain function, and per-experiment retraining schedules.
 */
export class DriftMonitor extends Construct {
  readonly driftFunction: CirrusFunction;
  readonly retrainFunction: CirrusFunction;
  readonly driftSchedule: Rule;
  readonly driftDetectedRule: Rule;
  readonly retrainSchedules: readonly Rule[];

  constructor(scope: Construct, id: string, props: DriftMonitorProps) {
    super(scope, id);
    const bus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    const common = {
      logRetention: props.logRetention,
      logRemovalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    };
    this.driftFunction = new CirrusFunction(this, 'DriftFunction', {
      ...common,
      entry: LAMBDA_ENTRIES.drift,
      serviceName: `${props.namePrefix}-drift`,
      description: 'Cirrus drift evaluation (scheduled)',
      environment: { CIRRUS_EVENT_BUS: bus.eventBusName },
    });
    wireData(this.driftFunction, props.data, DRIFT_ACCESS);
    bus.grantPutEventsTo(this.driftFunction);

    this.retrainFunction = new CirrusFunction(this, 'RetrainFunction', {
      ...common,
      entry: LAMBDA_ENTRIES.retrain,
      serviceName: `${props.namePrefix}-retrain`,
      description: 'Cirrus retraining: starts the training state machine on drift or on schedule',
      environment: { CIRRUS_STATE_MACHINE_ARN: props.trainingStateMachine.stateMachineArn },
    });
    wireData(this.retrainFunction, props.data, RETRAIN_ACCESS);
    props.trainingStateMachine.grantStartExecution(this.retrainFunction);

    this.driftSchedule = new Rule(this, 'DriftSchedule', {
      description: 'Runs the Cirrus drift evaluation',
      schedule: Schedule.expression(props.driftSchedule ?? STACK_DEFAULTS.driftSchedule),
      targets: [new LambdaFunction(this.driftFunction, { retryAttempts: 2 })],
    });
    this.driftDetectedRule = new Rule(this, 'DriftDetected', {
      description: 'Starts retraining when drift is detected',
      eventBus: bus,
      eventPattern: { source: [DRIFT_EVENT.source], detailType: [DRIFT_EVENT.detailType] },
      targets: [new LambdaFunction(this.retrainFunction, { retryAttempts: 2 })],
    });
    this.retrainSchedules = (props.retrainSchedules ?? []).map(
      ({ experiment, schedule }, index) =>
        new Rule(this, `RetrainSchedule${index}`, {
          description: `Retrains experiment ${experiment} on ${schedule}`,
          schedule: Schedule.expression(schedule),
          targets: [
            new LambdaFunction(this.retrainFunction, {
              retryAttempts: 2,
              event: RuleTargetInput.fromObject({
                source: SCHEDULED_RETRAIN_EVENT.source,
                'detail-type': SCHEDULED_RETRAIN_EVENT.detailType,
                detail: { experiment },
              }),
            }),
          ],
        }),
    );
  }
}
