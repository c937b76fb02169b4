import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  EventBus,
  type EventPattern,
  type IEventBus,
  Rule,
  RuleTargetInput,
  Schedule,
} from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  DRIFT_SCHEDULE_RULE,
  type EventPattern as CirrusEventPattern,
  RETRAIN_EVENT_RULES,
  RULE_RETRY_ATTEMPTS,
  retrainScheduleRule,
} from '../../core/events/rules.js';
import type { RetrainSchedule } from '../config.js';
import { FUNCTION_DEFAULTS } from '../defaults.js';
import { LAMBDA_ENTRIES } from '../entries.js';
import { CirrusFunction } from './cirrus-function.js';
import {
  type CirrusData,
  type DataAccess,
  READ_ITEMS,
  WRITE_ITEMS,
  WRITE_OBJECTS,
  wireData,
} from './data-access.js';

/**
 * Drift reads recent predictions and feedback and the champion's baseline, writes reports and
 * summaries, and reads the champion's run to name the experiment its drift event retrains.
 */
export const DRIFT_ACCESS: DataAccess = {
  bucket: WRITE_OBJECTS,
  tables: { tracking: READ_ITEMS, registry: WRITE_ITEMS, predictions: ['Query'] },
};
/**
 * Retrain replays the serving champion's run request (registry, tracking), appending production
 * rows with feedback first when the experiment opted in, then starts the state machine.
 */
export const RETRAIN_ACCESS: DataAccess = {
  // Continuous training appends production rows with feedback as a new dataset version.
  bucket: WRITE_OBJECTS,
  tables: { tracking: WRITE_ITEMS, registry: READ_ITEMS, predictions: ['Query'] },
};

export interface DriftMonitorProps {
  readonly data: CirrusData;
  readonly trainingStateMachine: StateMachine;
  /** Retraining replays an experiment's last request: a sweep when it listed several algorithms. */
  readonly sweepStateMachine: StateMachine;
  readonly logRetention: RetentionDays;
  readonly retainData: boolean;
  readonly namePrefix: string;
  /**
   * Where undeliverable rule events and failed asynchronous invocations of the drift and
   * retrain functions land, after their retries.
   */
  readonly deadLetters: IQueue;
  /**
   * Schedule expression of the drift evaluation.
   * @default 'rate(1 hour)' (core/events/rules.ts DRIFT_SCHEDULE_RULE)
   */
  readonly driftSchedule?: string;
  /**
   * Per-experiment retraining schedules fixed at deploy time: one rule each, handing the
   * retrain function the constant `ScheduledRetrain` event of `retrainScheduleRule`.
   * Schedules set at run time (`PUT /v1/experiments/{name}/schedule`) are rules the API puts
   * under {@link DriftMonitor.retrainRulePrefix}.
   * @default - none
   */
  readonly retrainSchedules?: readonly RetrainSchedule[];
}

/** core/events' JSON-form pattern (`detail-type`) as CDK's (`detailType`), which renders it back. */
export function toCdkEventPattern(pattern: CirrusEventPattern): EventPattern {
  return Object.fromEntries(
    Object.entries(pattern).map(([key, value]) => [key === 'detail-type' ? 'detailType' : key, value]),
  ) as EventPattern;
}

/**
 * Drift monitoring and retraining, built from the rule definitions of `core/events/rules.ts`
 * (the ones the local runtime routes through): the drift function on a schedule, the
 * `ModelDriftDetected` and `RetrainRequested` rules on the default bus (where the functions put
 * their events) handing the event to the retrain function, per-experiment retraining
 * schedules fixed at deploy time, and the permission that lets rules the API creates at run
 * time (named `{prefix}-retrain-*`) invoke the retrain function.
 */
export class DriftMonitor extends Construct {
  readonly driftFunction: CirrusFunction;
  readonly retrainFunction: CirrusFunction;
  readonly bus: IEventBus;
  readonly driftSchedule: Rule;
  readonly retrainRules: readonly Rule[];
  readonly retrainSchedules: readonly Rule[];
  /** Name prefix of the retraining schedule rules the API puts at run time. */
  readonly retrainRulePrefix: string;
  /** ARN pattern of those rules (IAM resource of the API's events:PutRule etc.). */
  readonly retrainRuleArnPattern: string;

  constructor(scope: Construct, id: string, props: DriftMonitorProps) {
    super(scope, id);
    this.bus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    const common = {
      logRetention: props.logRetention,
      logRemovalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    };
    this.driftFunction = new CirrusFunction(this, 'DriftFunction', {
      ...common,
      entry: LAMBDA_ENTRIES.drift,
      serviceName: `${props.namePrefix}-drift`,
      description: 'Cirrus drift evaluation (scheduled)',
      // Evaluating every endpoint streams their prediction logs: more than the 30 s default.
      timeout: FUNCTION_DEFAULTS.pipelineTimeout,
      memorySize: FUNCTION_DEFAULTS.driftMemorySize,
      environment: { CIRRUS_EVENT_BUS: this.bus.eventBusName },
    });
    wireData(this.driftFunction, props.data, DRIFT_ACCESS);
    this.bus.grantPutEventsTo(this.driftFunction);

    this.retrainFunction = new CirrusFunction(this, 'RetrainFunction', {
      ...common,
      entry: LAMBDA_ENTRIES.retrain,
      serviceName: `${props.namePrefix}-retrain`,
      description: 'Cirrus retraining: replays the last training request (or sweep) on drift or on schedule',
      environment: {
        CIRRUS_STATE_MACHINE_ARN: props.trainingStateMachine.stateMachineArn,
        CIRRUS_SWEEP_STATE_MACHINE_ARN: props.sweepStateMachine.stateMachineArn,
      },
    });
    wireData(this.retrainFunction, props.data, RETRAIN_ACCESS);
    props.trainingStateMachine.grantStartExecution(this.retrainFunction);
    props.sweepStateMachine.grantStartExecution(this.retrainFunction);
    for (const fn of [this.driftFunction, this.retrainFunction]) failInto(fn, props.deadLetters);
    const target = (fn: IFunction, event?: RuleTargetInput) =>
      new LambdaFunction(fn, {
        retryAttempts: RULE_RETRY_ATTEMPTS,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: props.deadLetters,
        event,
      });
    const retrainTarget = (event?: RuleTargetInput) => target(this.retrainFunction, event);

    this.driftSchedule = new Rule(this, DRIFT_SCHEDULE_RULE.id, {
      description: DRIFT_SCHEDULE_RULE.description,
      schedule: Schedule.expression(props.driftSchedule ?? DRIFT_SCHEDULE_RULE.defaultSchedule),
      targets: [target(this.driftFunction)],
    });
    this.retrainRules = RETRAIN_EVENT_RULES.map(
      (rule) =>
        new Rule(this, rule.id, {
          description: rule.description,
          eventBus: this.bus,
          eventPattern: toCdkEventPattern(rule.pattern),
          targets: [retrainTarget()],
        }),
    );
    this.retrainSchedules = (props.retrainSchedules ?? []).map(({ experiment, schedule }, index) => {
      const rule = retrainScheduleRule(experiment, schedule, index);
      return new Rule(this, rule.id, {
        description: rule.description,
        schedule: Schedule.expression(rule.schedule),
        targets: [retrainTarget(RuleTargetInput.fromObject(rule.input))],
      });
    });

    this.retrainRulePrefix = `${props.namePrefix}-retrain-`;
    this.retrainRuleArnPattern = Stack.of(this).formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: `${this.retrainRulePrefix}*`,
    });
    // Rules put at run time target the function without a role: Lambda's resource policy must
    // admit them. ArnLike on the prefix admits exactly those rules of this account and region.
    this.retrainFunction.addPermission('RuntimeRetrainSchedules', {
      principal: new ServicePrincipal('events.amazonaws.com'),
      sourceArn: this.retrainRuleArnPattern,
      sourceAccount: Stack.of(this).account,
    });
  }
}

/** Asynchronous invocations (every EventBridge one) that still fail after Lambda's retries go to `queue`. */
function failInto(fn: CirrusFunction, queue: IQueue): void {
  fn.configureAsyncInvoke({ onFailure: new SqsDestination(queue), retryAttempts: 2 });
}
