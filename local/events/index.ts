import type { CirrusEvent } from '../../contracts/events.js';
import type { CoreDeps } from '../../core/deps.js';
import { runDriftForAllEndpoints } from '../../core/drift/run.js';
import { retrainOnEvent } from '../../core/events/retrain-target.js';
import type { TrainerPolicy } from '../../core/pipeline/custom-trainer.js';
import {
  DRIFT_SCHEDULE_RULE,
  RETRAIN_EVENT_RULES,
  retrainScheduleRule,
  SCHEDULED_EVENT,
} from '../../core/events/rules.js';
import type { EventPublisher, PipelineRunner } from '../../core/ports.js';
import { listExperiments } from '../../core/tracking/experiments.js';
import { type Delivery, type EventTarget, LocalEventBus } from './bus.js';
import type { DeadLetterPorts } from '../../core/events/dead-letters.js';
import { deadLetterDir, FileDeadLetterQueue, localRedeliveryTargets } from './dead-letter-store.js';
import { ScheduleState } from './schedule-state.js';
import { LocalScheduler, type ScheduledJob } from './scheduler.js';

export { type Delivery, type EventTarget, LocalEventBus } from './bus.js';
export { deadLetterDir, FileDeadLetterQueue } from './dead-letter-store.js';
export { ScheduleState } from './schedule-state.js';
export { LocalScheduler, type ScheduledJob } from './scheduler.js';

export interface LocalEventsOptions {
  /** `trainers`: the custom trainers a replayed request may name (none when absent). */
  readonly deps: CoreDeps & { readonly trainers?: TrainerPolicy };
  /** Starts the training state machine (the retrain rules' target calls it). */
  readonly runner: PipelineRunner;
  /** Schedule state lives in `<dataDir>/events/`, dead letters in `<dataDir>/dead-letters/`. */
  readonly dataDir: string;
  /** How often the scheduler looks for due schedules. @default 15000 */
  readonly tickMs?: number;
  /** The drift evaluation's schedule. @default DRIFT_SCHEDULE_RULE.defaultSchedule ('rate(1 hour)') */
  readonly driftSchedule?: string;
  /** Delay unit between a failing target's retries. @default 500 */
  readonly retryDelayMs?: number;
  /** Told about failed deliveries and skipped schedules. @default console.error */
  readonly onError?: (message: string, error?: unknown) => void;
}

export interface LocalEvents {
  /** The EventPublisher port: what the drift evaluation (and anything else) publishes through. */
  readonly publisher: EventPublisher;
  readonly scheduler: {
    start(): void;
    /** Stops the schedules and waits for every delivery and scheduled run in flight. */
    stop(): Promise<void>;
    /** Fires the due schedules now (what each tick does); returns their rule ids. */
    tick(): Promise<string[]>;
  };
  readonly bus: LocalEventBus;
  /** Deliveries that failed after their retries, and the targets a redrive hands them back to. */
  readonly deadLetters: DeadLetterPorts & { readonly queue: FileDeadLetterQueue };
}

const defaultOnError = (message: string, error?: unknown) =>
  console.error(
    `cirrus events: ${message}${error ? `: ${error instanceof Error ? error.message : String(error)}` : ''}`,
  );

/**
 * The embedded runtime's EventBridge: an in-process bus with the rules infra deploys
 * (core/events/rules.ts: `ModelDriftDetected` and `RetrainRequested` → retrain, replaying the
 * experiment's last request with the run linked to its trigger), plus a scheduler for the drift
 * schedule (every endpoint) and each experiment's retraining schedule (cron or rate), whose
 * last-fire times persist under `dataDir`.
 *
 * @example
 * const events = createLocalEvents({ deps, runner, dataDir: '.cirrus' });
 * events.scheduler.start();
 * await runDriftEvaluation(deps, events.publisher, { endpoint: 'iris' }); // drift → retraining
 * await events.scheduler.stop();
 */
export function createLocalEvents(options: LocalEventsOptions): LocalEvents {
  const { deps, runner } = options;
  const onError = options.onError ?? defaultOnError;
  const queue = new FileDeadLetterQueue(deadLetterDir(options.dataDir), deps.now);
  const bus = new LocalEventBus({
    retryDelayMs: options.retryDelayMs,
    now: deps.now,
    onError: async (d: Delivery) => {
      onError(`rule ${d.rule} failed after ${d.attempts} attempt(s)`, d.error);
      // As EventBridge sends it to the target's dead-letter queue (`cirrus dead-letters list`).
      await queue.add(d).catch((error: unknown) => onError(`rule ${d.rule}: dead letter not kept`, error));
    },
  });
  const publisher = bus.publisher();
  const retrain: EventTarget = (event) => retrainOnEvent(deps, runner, event);
  for (const rule of RETRAIN_EVENT_RULES) bus.addRule(rule, retrain, 'retrain');

  const drift: EventTarget = async () => {
    const outcomes = await runDriftForAllEndpoints(deps, publisher);
    for (const o of outcomes)
      if (o.error) onError(`drift evaluation of endpoint ${o.endpoint} failed`, o.error);
    return outcomes;
  };
  const scheduledEvent = (): CirrusEvent => ({
    source: SCHEDULED_EVENT.source,
    'detail-type': SCHEDULED_EVENT.detailType,
    detail: {},
    time: deps.now().toISOString(),
  });

  const jobs = async (): Promise<ScheduledJob[]> => {
    const driftJob: ScheduledJob = {
      id: DRIFT_SCHEDULE_RULE.id,
      expression: options.driftSchedule ?? DRIFT_SCHEDULE_RULE.defaultSchedule,
      fire: () => void bus.invoke(DRIFT_SCHEDULE_RULE.id, scheduledEvent(), drift, 'drift'),
    };
    const retrainJobs = (await listExperiments(deps))
      .filter((e) => e.retrainSchedule?.enabled)
      .map((e): ScheduledJob => {
        const rule = retrainScheduleRule(e.name, e.retrainSchedule?.expression ?? '');
        return {
          id: rule.id,
          expression: rule.schedule,
          fire: () => void bus.invoke(rule.id, { ...rule.input }, retrain, 'retrain'),
        };
      });
    return [driftJob, ...retrainJobs];
  };
  const scheduler = new LocalScheduler({
    state: new ScheduleState(options.dataDir),
    now: deps.now,
    tickMs: options.tickMs ?? 15_000,
    jobs,
    onError,
  });

  return {
    publisher,
    scheduler: {
      start: () => scheduler.start(),
      stop: async () => {
        await scheduler.stop();
        await bus.idle();
      },
      tick: () => scheduler.tick(),
    },
    bus,
    deadLetters: { queue, targets: localRedeliveryTargets({ retrain, drift }) },
  };
}
