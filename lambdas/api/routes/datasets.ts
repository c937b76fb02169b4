import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { DatasetNameSchema, DatasetPreviewSchema, DatasetRecordSchema } from '../../../contracts/dataset.js';
import {
  BUILTIN_DATASETS,
  BUILTIN_DATASETS_DIR,
  getDataset,
  listDatasets,
  listDatasetVersions,
  loadBuiltinDataset,
  previewDataset,
  registerDataset,
} from '../../../core/datasets/index.js';
import { ValidationError } from '../../../core/errors.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';

const BuiltinNameSchema = z.enum(BUILTIN_DATASETS.map((d) => d.name) as [string, ...string[]]);
const tag = 'datasets';

const PreviewQuery = z.object({
  /** A sha256, a unique prefix of one (6+ characters), or `latest`. */
  version: z.string().min(1).default('latest'),
  limit: z.coerce.number().int().min(1).max(500).default(20),
});

const CreateDatasetSchema = z
  .strictObject({
    /** Defaults to the built-in's name. */
    name: DatasetNameSchema.optional(),
    builtin: BuiltinNameSchema.optional(),
    /** The CSV text (header row first). */
    csv: z.string().min(1).optional(),
    description: z.string().max(2000).optional(),
  })
  .refine((b) => (b.builtin === undefined) !== (b.csv === undefined), {
    message: 'send exactly one of builtin or csv',
    path: ['csv'],
  });

/** Dataset routes: list the latest versions, register a CSV or a built-in, read one with its versions. */
export function mountDatasetRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/datasets',
      summary: 'Datasets (latest version of each name)',
      tag,
      response: z.object({ datasets: z.array(DatasetRecordSchema) }),
    },
    async () => ({ datasets: await listDatasets(deps) }),
  );
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/datasets',
      summary: 'Register a dataset version (its version is the sha256 of the CSV bytes)',
      tag,
      body: CreateDatasetSchema,
      status: 201,
      response: DatasetRecordSchema,
    },
    async ({ body }) => {
      if (body.builtin !== undefined) {
        const dir = ctx.builtinDatasetsDir;
        if (body.name === undefined || body.name === body.builtin)
          return loadBuiltinDataset(deps, body.builtin, { dir });
        // A built-in under another name: the same bytes, so the same version.
        const csv = await readFile(join(dir ?? BUILTIN_DATASETS_DIR, `${body.builtin}.csv`));
        return registerDataset(deps, { name: body.name, csv, description: body.description });
      }
      if (body.name === undefined) throw new ValidationError('name: required with csv', 'name');
      return registerDataset(deps, { name: body.name, csv: body.csv ?? '', description: body.description });
    },
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/datasets/{name}',
      summary: 'The latest version of a dataset, with every version',
      tag,
      params: z.object({ name: DatasetNameSchema }),
      response: DatasetRecordSchema.extend({ versions: z.array(DatasetRecordSchema) }),
    },
    async ({ params }) => {
      const [latest, versions] = await Promise.all([
        getDataset(deps, params.name),
        listDatasetVersions(deps, params.name),
      ]);
      return { ...latest, versions };
    },
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/datasets/{name}/preview',
      summary: 'The first rows of a dataset version (cells as the CSV holds them)',
      tag,
      params: z.object({ name: DatasetNameSchema }),
      query: PreviewQuery,
      response: DatasetPreviewSchema,
    },
    ({ params, query }) => previewDataset(deps, { name: params.name, ...query }),
  );
}
