/**
 * The one definition of Cirrus's EventBridge rules: sources, detail-types, event patterns,
 * schedule defaults and the constant input of retraining schedules. `infra/` turns these into
 * `events.Rule` resources and `local/events` registers the same rules on its in-process bus and
 * scheduler, so the two worlds cannot route differently. Pure data: no CDK, no SDK.
 */

/** Source of the events Cirrus's own functions put. */
export const EVENT_SOURCE = 'cirrus';
/** Source of the constant event a retraining schedule hands its target. */
export const SCHEDULE_SOURCE = 'cirrus.schedule';

export const DETAIL_TYPES = {
  /** Put by drift evaluation when a report finds drift. */
  driftDetected: 'ModelDriftDetected',
  /** Handed to the retrain target by a per-experiment schedule. */
  scheduledRetrain: 'ScheduledRetrain',
  /** Put on demand (API, CLI) to retrain an experiment now. */
  retrainRequested: 'RetrainRequested',
} as const;

/** Source and detail-type of the drift event (what `infra/constructs/drift-monitor.ts` names DRIFT_EVENT). */
export const DRIFT_EVENT = { source: EVENT_SOURCE, detailType: DETAIL_TYPES.driftDetected } as const;
/** Source and detail-type of a schedule's constant event (infra's SCHEDULED_RETRAIN_EVENT). */
export const SCHEDULED_RETRAIN_EVENT = {
  source: SCHEDULE_SOURCE,
  detailType: DETAIL_TYPES.scheduledRetrain,
} as const;

/** Default schedule of the drift evaluation (infra's STACK_DEFAULTS.driftSchedule). */
export const DEFAULT_DRIFT_SCHEDULE = 'rate(1 hour)';

/** How many times a rule retries a failed Lambda target (both worlds). */
export const RULE_RETRY_ATTEMPTS = 2;

/**
 * An EventBridge event pattern in its JSON form (`detail-type`, not CDK's `detailType`):
 * every key present must match; a leaf is a list of alternatives (values or matchers such as
 * `{ prefix }`, `{ 'anything-but': ... }`, `{ exists }`, `{ numeric }`).
 */
export interface EventPattern {
  readonly [key: string]: readonly unknown[] | EventPattern;
}

/** A rule routing matching events to the retrain target. */
export interface EventRuleDefinition {
  /** Construct id in infra, rule name locally. */
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
}

/** `ModelDriftDetected` from `cirrus` → retrain (infra: `DriftDetected` on the default bus). */
export const DRIFT_DETECTED_RULE: EventRuleDefinition = {
  id: 'DriftDetected',
  description: 'Starts retraining when drift is detected',
  pattern: { source: [DRIFT_EVENT.source], 'detail-type': [DRIFT_EVENT.detailType] },
};

/** `RetrainRequested` from `cirrus` → retrain (on-demand retraining through the bus). */
export const RETRAIN_REQUESTED_RULE: EventRuleDefinition = {
  id: 'RetrainRequested',
  description: 'Starts retraining when asked to',
  pattern: { source: [EVENT_SOURCE], 'detail-type': [DETAIL_TYPES.retrainRequested] },
};

/** Every event rule whose target is the retrain function. */
export const RETRAIN_EVENT_RULES: readonly EventRuleDefinition[] = [
  DRIFT_DETECTED_RULE,
  RETRAIN_REQUESTED_RULE,
];

/** The drift evaluation's schedule rule (infra: `DriftSchedule`); its target gets EventBridge's scheduled event. */
export const DRIFT_SCHEDULE_RULE = {
  id: 'DriftSchedule',
  description: 'Runs the Cirrus drift evaluation',
  defaultSchedule: DEFAULT_DRIFT_SCHEDULE,
} as const;

/** The constant event a retraining schedule hands the retrain target. */
export interface ScheduledRetrainInput {
  readonly source: typeof SCHEDULE_SOURCE;
  readonly 'detail-type': typeof DETAIL_TYPES.scheduledRetrain;
  readonly detail: { readonly experiment: string; readonly schedule: string };
}

/** One experiment's retraining schedule as a rule: id, description, expression and constant target input. */
export interface RetrainScheduleRule {
  readonly id: string;
  readonly description: string;
  readonly schedule: string;
  readonly input: ScheduledRetrainInput;
}

/**
 * The schedule rule of one experiment. `index` keeps infra's construct ids (`RetrainSchedule0`, ...)
 * stable; locally the id names the experiment instead.
 *
 * @example
 * // infra: new Rule(this, rule.id, { description: rule.description,
 * //   schedule: Schedule.expression(rule.schedule),
 * //   targets: [new LambdaFunction(fn, { event: RuleTargetInput.fromObject(rule.input) })] })
 */
export function retrainScheduleRule(
  experiment: string,
  schedule: string,
  index?: number,
): RetrainScheduleRule {
  return {
    id: index === undefined ? `RetrainSchedule-${experiment}` : `RetrainSchedule${index}`,
    description: `Retrains experiment ${experiment} on ${schedule}`,
    schedule,
    input: {
      source: SCHEDULE_SOURCE,
      'detail-type': DETAIL_TYPES.scheduledRetrain,
      detail: { experiment, schedule },
    },
  };
}

/** EventBridge's own scheduled-event envelope fields (what a schedule rule without input hands its target). */
export const SCHEDULED_EVENT = { source: 'aws.events', detailType: 'Scheduled Event' } as const;
