import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { ALGORITHMS } from '../../../contracts/algorithms.js';
import { defineRoute } from '../route.js';

const AlgorithmSchema = z.object({
  name: z.string(),
  tasks: z.array(z.string()),
  description: z.string(),
  /** JSON Schema of the algorithm's hyperparameters (types, ranges, defaults). */
  hyperparameters: z.record(z.string(), z.unknown()),
});

let catalog: z.infer<typeof AlgorithmSchema>[] | undefined;

/** The algorithm catalog with each one's hyperparameters as JSON Schema (built once: it never changes). */
function algorithmCatalog() {
  catalog ??= ALGORITHMS.map((a) => {
    // The output side carries the defaults and bounds; the input side only says "number or numeric string".
    const { $schema: _drop, ...hyperparameters } = z.toJSONSchema(a.params, {
      io: 'output',
      unrepresentable: 'any',
    });
    return { name: a.name, tasks: [...a.tasks], description: a.description, hyperparameters };
  });
  return catalog;
}

/** Health and the algorithm catalog. */
export function mountCatalogRoutes(app: OpenAPIHono): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/health',
      summary: 'Liveness (no token needed)',
      tag: 'system',
      open: true,
      response: z.object({ status: z.literal('ok') }),
    },
    () => ({ status: 'ok' }),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/algorithms',
      summary: 'Algorithms Cirrus trains, with their tasks and hyperparameters',
      tag: 'training',
      response: z.object({ algorithms: z.array(AlgorithmSchema) }),
    },
    () => ({ algorithms: algorithmCatalog() }),
  );
}
