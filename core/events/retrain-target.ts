import type { z } from 'zod';
import {
  type CirrusEvent,
  CirrusEventSchema,
  ModelDriftDetectedDetailSchema,
  ScheduledRetrainDetailSchema,
} from '../../contracts/events.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError, ValidationError } from '../errors.js';
import { type RetrainResult, retrain } from '../pipeline/retrain.js';
import type { PipelineRunner } from '../ports.js';
import type { TrainerPolicy } from '../pipeline/custom-trainer.js';
import { DETAIL_TYPES } from './rules.js';

/**
 * The retrain rules' target, as one function for both worlds: the retrain Lambda hands it the
 * EventBridge event it was invoked with, the local bus the event it routed. A drift event links
 * the run to its report (`triggeredBy` = the report URI); a schedule to its expression.
 *
 * @throws ValidationError naming the field when the event is not one the retrain rules route
 *
 * @example
 * export const handler = (event: unknown) => retrainOnEvent(deps, runner, event);
 */
export async function retrainOnEvent(
  deps: CoreDeps & { readonly trainers?: TrainerPolicy },
  runner: PipelineRunner,
  event: unknown,
): Promise<RetrainResult> {
  const parsed = CirrusEventSchema.safeParse(event);
  if (!parsed.success) throw fromZodError(parsed.error, 'event');
  return retrain(deps, runner, retrainInputOf(parsed.data));
}

/** Which experiment an event retrains, and what to record as its trigger. */
export function retrainInputOf(event: CirrusEvent): { experiment: string; triggeredBy: string } {
  const type = event['detail-type'];
  if (type === DETAIL_TYPES.driftDetected) {
    const detail = parseDetail(ModelDriftDetectedDetailSchema, event.detail);
    return { experiment: detail.experiment, triggeredBy: detail.reportUri };
  }
  if (type === DETAIL_TYPES.scheduledRetrain || type === DETAIL_TYPES.retrainRequested) {
    const detail = parseDetail(ScheduledRetrainDetailSchema, event.detail);
    const triggeredBy =
      type === DETAIL_TYPES.retrainRequested
        ? 'event:RetrainRequested'
        : `schedule:${detail.schedule ?? 'unknown'}`;
    return { experiment: detail.experiment, triggeredBy };
  }
  throw new ValidationError(
    `event.detail-type: '${type}' is not one of ${Object.values(DETAIL_TYPES).join(', ')}`,
    'event.detail-type',
  );
}

function parseDetail<S extends z.ZodType>(schema: S, detail: unknown): z.infer<S> {
  const parsed = schema.safeParse(detail);
  if (!parsed.success) throw fromZodError(parsed.error, 'event.detail');
  return parsed.data;
}
