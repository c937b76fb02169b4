import * as z from 'zod';
import type { CoreDeps } from '../../core/deps.js';
import {
  type EndpointDriftOutcome,
  runDriftEvaluation,
  runDriftForAllEndpoints,
} from '../../core/drift/run.js';
import { fromZodError } from '../../core/errors.js';
import type { EventPublisher } from '../../core/ports.js';
import { lambdaDeps, lambdaEventPublisher } from '../env.js';

/**
 * What the drift function is invoked with: EventBridge's scheduled event (`detail: {}` →
 * every endpoint), or an event or direct payload naming one endpoint (`detail.endpoint` or
 * `endpoint`), optionally with `windowHours`.
 */
const TargetSchema = z.object({
  endpoint: z.string().min(1).optional(),
  windowHours: z.number().positive().optional(),
});
const DriftInvocationSchema = z.looseObject({ detail: TargetSchema.optional() }).and(TargetSchema);

export interface DriftRunSummary {
  readonly evaluated: readonly {
    endpoint: string;
    reportId: string;
    status: string;
    driftDetected: boolean;
    event: string;
  }[];
  readonly failed: readonly { endpoint: string; error: string }[];
}

/** The handler over given deps (tests hand emulator deps and a recording publisher). */
export function createDriftHandler(deps: () => CoreDeps, events: () => EventPublisher) {
  return async (event: unknown): Promise<DriftRunSummary> => {
    const parsed = DriftInvocationSchema.safeParse(event ?? {});
    if (!parsed.success) throw fromZodError(parsed.error, 'event');
    const endpoint = parsed.data.detail?.endpoint ?? parsed.data.endpoint;
    const windowHours = parsed.data.detail?.windowHours ?? parsed.data.windowHours;
    const outcomes: EndpointDriftOutcome[] = endpoint
      ? [{ endpoint, report: await runDriftEvaluation(deps(), events(), { endpoint, windowHours }) }]
      : await runDriftForAllEndpoints(deps(), events(), { windowHours });
    const summary: DriftRunSummary = {
      evaluated: outcomes.flatMap((o) =>
        o.report
          ? [
              {
                endpoint: o.endpoint,
                reportId: o.report.reportId,
                status: o.report.status,
                driftDetected: o.report.driftDetected,
                event: o.report.event,
              },
            ]
          : [],
      ),
      failed: outcomes.flatMap((o) => (o.error ? [{ endpoint: o.endpoint, error: o.error }] : [])),
    };
    console.log(JSON.stringify({ message: 'drift evaluation', ...summary }));
    // A failed endpoint fails the invocation, so it shows in the function's error metric and
    // EventBridge retries; the cooldown keeps a retry from publishing the same drift twice.
    if (summary.failed.length > 0) {
      throw new Error(
        `drift evaluation failed for ${summary.failed.map((f) => `${f.endpoint} (${f.error})`).join(', ')}`,
      );
    }
    return summary;
  };
}

/** Scheduled by the `DriftSchedule` rule (infra/constructs/drift-monitor.ts). */
export const handler = createDriftHandler(lambdaDeps, lambdaEventPublisher);
