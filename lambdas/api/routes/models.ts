import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { AliasNameSchema, ModelNameSchema } from '../../../contracts/registry.js';
import {
  applyDeployPolicy,
  exportModelCard,
  getAliasAt,
  getAliasHistory,
  getModel,
  getModelVersion,
  listAliases,
  listModels,
  listModelVersions,
  setAlias,
} from '../../../core/registry/index.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';

const ModelParams = z.object({ model: ModelNameSchema });
const VersionParams = ModelParams.extend({ version: z.coerce.number().int().positive() });
const AliasParams = ModelParams.extend({ alias: AliasNameSchema });
const tag = 'registry';

/** Registry routes: models, versions, model cards, aliases and their history, rollback. */
export function mountModelRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps } = ctx;
  defineRoute(app, { method: 'get', path: '/v1/models', summary: 'List registered models', tag }, async () => ({
    models: await listModels(deps),
  }));
  defineRoute(app, { method: 'get', path: '/v1/models/{model}', summary: 'A model with its aliases', tag, params: ModelParams }, async ({ params }) => ({
    ...(await getModel(deps, params)),
    aliases: await listAliases(deps, params),
  }));
  defineRoute(app, { method: 'get', path: '/v1/models/{model}/versions', summary: 'Versions of a model', tag, params: ModelParams }, async ({ params }) => ({
    versions: await listModelVersions(deps, params),
  }));
  defineRoute(app, { method: 'get', path: '/v1/models/{model}/versions/{version}', summary: 'One model version', tag, params: VersionParams }, ({ params }) =>
    getModelVersion(deps, params),
  );
  defineRoute(app, { method: 'get', path: '/v1/models/{model}/versions/{version}/card', summary: 'Model card (OpenMetadata MlModel shape)', tag, params: VersionParams }, ({ params }) =>
    exportModelCard(deps, params, { serverUrl: ctx.publicUrl }),
  );
  defineRoute(app, { method: 'get', path: '/v1/models/{model}/aliases', summary: 'Aliases of a model', tag, params: ModelParams }, async ({ params }) => ({
    aliases: await listAliases(deps, params),
  }));
  defineRoute(
    app,
    { method: 'get', path: '/v1/models/{model}/aliases/{alias}/history', summary: 'Alias moves; with ?at=ISO-time, which version it pointed at then', tag, params: AliasParams, query: z.object({ at: z.iso.datetime().optional() }) },
    async ({ params, query }) =>
      query.at ? { at: query.at, alias: await getAliasAt(deps, { ...params, at: new Date(query.at) }) } : { history: await getAliasHistory(deps, params) },
  );
  defineRoute(
    app,
    {
      method: 'put',
      path: '/v1/models/{model}/aliases/{alias}',
      summary: 'Point an alias at a version (manual promotion)',
      tag,
      params: AliasParams,
      body: z.strictObject({ version: z.number().int().positive(), reason: z.string().max(500).optional(), by: z.string().max(128).optional(), expectedCurrent: z.number().int().positive().nullable().optional() }),
    },
    ({ params, body }) =>
      setAlias(deps, { ...params, version: body.version, reason: body.reason ?? `manual: ${params.alias} -> v${body.version}`, policy: 'manual', by: body.by ?? 'api', expectedCurrent: body.expectedCurrent }),
  );
  defineRoute(app, { method: 'post', path: '/v1/models/{model}/rollback', summary: 'Move champion back to the previous champion', tag, params: ModelParams }, ({ params }) =>
    applyDeployPolicy(deps, { model: params.model, policy: 'rollback', by: 'api' }),
  );
}
