import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  DeadLetterListSchema,
  RedriveRequestSchema,
  RedriveResultSchema,
} from '../../../contracts/dead-letters.js';
import {
  type DeadLetterPorts,
  listDeadLetters,
  redriveDeadLetters,
} from '../../../core/events/dead-letters.js';
import { CirrusError } from '../../../core/errors.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';

const tag = 'dead-letters';

/** The runtime's dead-letter queue, or a 501 saying this deployment has none wired. */
function portsOf(ctx: ApiContext): DeadLetterPorts {
  if (!ctx.deadLetters)
    throw new CirrusError('NotConfigured', 'this Cirrus has no dead-letter queue configured', 501);
  return ctx.deadLetters;
}

/** `GET /v1/dead-letters` and `POST /v1/dead-letters/redrive` (core/events/dead-letters.ts). */
export function mountDeadLetterRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/dead-letters',
      summary: 'What failed after its retries (drift, retraining, schedules, log ingest), oldest first',
      tag,
      response: DeadLetterListSchema,
    },
    () => listDeadLetters(portsOf(ctx).queue),
  );
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/dead-letters/redrive',
      summary:
        'Hand dead letters back to their targets ({"all": true} or {"ids": [...]}); each is deleted only once its target accepted it',
      tag,
      body: RedriveRequestSchema,
      response: RedriveResultSchema,
    },
    ({ body }) => redriveDeadLetters(portsOf(ctx), body),
  );
}
