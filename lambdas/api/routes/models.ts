import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { CardFormSchema } from '../../../contracts/model-card.js';
import {
  type AliasHistoryEntry,
  AliasHistoryEntrySchema,
  AliasNameSchema,
  AliasSchema,
  type MalformedItem,
  MalformedItemSchema,
  ModelVersionSchema,
  PromotionResultSchema,
  RegisteredModelSchema,
} from '../../../contracts/registry.js';
import {
  applyDeployPolicy,
  exportModelCard,
  toCreateMlModel,
  getAliasAt,
  getModel,
  getModelVersion,
  listAliases,
  listModels,
  listModelVersions,
  readAliasHistory,
  repairAliasHistory,
  setAlias,
} from '../../../core/registry/index.js';
import { TrafficViewSchema } from '../../../contracts/serving.js';
import type { CoreDeps } from '../../../core/deps.js';
import type { PredictContext } from '../../../core/serving/predict.js';
import { modelTrafficViews } from '../../../core/serving/traffic-view.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';
import { invalidateModelEndpoints } from '../serving.js';
import { ModelParams } from './params.js';

const VersionParams = ModelParams.extend({ version: z.coerce.number().int().positive() });
const AliasParams = ModelParams.extend({ alias: AliasNameSchema });
const tag = 'registry';
/** After a promotion: what each endpoint of the model serves now (a manual split does not follow it). */
const ServingAfterSchema = z.object({ endpoints: z.array(TrafficViewSchema) });

/** The history answer: `malformed` only when some stored item is. */
function historyView(read: { history: AliasHistoryEntry[]; malformed: MalformedItem[] }) {
  return read.malformed.length ? read : { history: read.history };
}

/** Registry routes: models, versions, model cards, aliases and their history, rollback. */
export function mountModelRoutes(app: OpenAPIHono, ctx: ApiContext, serving: PredictContext): void {
  mountModelReadRoutes(app, ctx);
  mountAliasReadRoutes(app, ctx.deps);
  mountAliasWriteRoutes(app, ctx.deps, serving);
  mountRollbackRoute(app, ctx.deps, serving);
}

/** Models, their versions and model cards (read only). */
function mountModelReadRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/models',
      summary: 'Registered models',
      tag,
      response: z.object({ models: z.array(RegisteredModelSchema) }),
    },
    async () => ({
      models: await listModels(deps),
    }),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/models/{model}',
      summary: 'A model with its aliases',
      tag,
      params: ModelParams,
      response: RegisteredModelSchema.extend({ aliases: z.array(AliasSchema) }),
    },
    async ({ params }) => ({ ...(await getModel(deps, params)), aliases: await listAliases(deps, params) }),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/models/{model}/versions',
      summary: 'Versions of a model',
      tag,
      params: ModelParams,
      response: z.object({ versions: z.array(ModelVersionSchema) }),
    },
    async ({ params }) => ({ versions: await listModelVersions(deps, params) }),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/models/{model}/versions/{version}',
      summary: 'One model version (contract, metrics, lineage)',
      tag,
      params: VersionParams,
      response: ModelVersionSchema,
    },
    ({ params }) => getModelVersion(deps, params),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/models/{model}/versions/{version}/card',
      summary: 'Model card: the OpenMetadata MlModel entity, or with form=create the createMlModel request',
      tag,
      params: VersionParams,
      query: z.object({ form: CardFormSchema.default('entity') }),
    },
    async ({ params, query }) => {
      const card = await exportModelCard(deps, {
        ...params,
        // The endpoint is named after the model unless created otherwise: link its predict URL.
        serverUrl: ctx.publicUrl ? `${ctx.publicUrl}/v1/endpoints/${params.model}/predict` : undefined,
      });
      return query.form === 'create' ? toCreateMlModel(card) : card;
    },
  );
}

/** Aliases of a model and the history of their moves. */
function mountAliasReadRoutes(app: OpenAPIHono, deps: CoreDeps): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/models/{model}/aliases',
      summary: 'Aliases of a model',
      tag,
      params: ModelParams,
      response: z.object({ aliases: z.array(AliasSchema) }),
    },
    async ({ params }) => ({ aliases: await listAliases(deps, params) }),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/models/{model}/aliases/{alias}/history',
      summary:
        'Alias moves with their reasons (malformed stored items named beside them); with ?at=ISO-time, which version it pointed at then',
      tag,
      params: AliasParams,
      query: z.object({ at: z.iso.datetime().optional() }),
      response: z.union([
        z.object({
          history: z.array(AliasHistoryEntrySchema),
          /** Stored items the reader rejects (history entries, the alias item), with the repair. */
          malformed: z.array(MalformedItemSchema).optional(),
        }),
        z.object({
          at: z.string(),
          alias: z.object({ version: z.number(), since: z.string(), entry: AliasHistoryEntrySchema }),
        }),
      ]),
    },
    async ({ params, query }) =>
      query.at
        ? { at: query.at, alias: await getAliasAt(deps, { ...params, at: new Date(query.at) }) }
        : historyView(await readAliasHistory(deps, params)),
  );
}

/** Moving an alias by hand and repairing its history; both refresh the serving cache of the model's endpoints. */
function mountAliasWriteRoutes(app: OpenAPIHono, deps: CoreDeps, serving: PredictContext): void {
  defineRoute(
    app,
    {
      method: 'put',
      path: '/v1/models/{model}/aliases/{alias}',
      summary: 'Point an alias at a version (manual promotion)',
      tag,
      params: AliasParams,
      body: z.strictObject({
        version: z.number().int().positive(),
        reason: z.string().max(500).optional(),
        by: z.string().min(1).max(128).optional(),
        /** Refuse (409) unless the alias points here now; null = only if unset. */
        expectedCurrent: z.number().int().positive().nullable().optional(),
      }),
      response: AliasSchema.extend(ServingAfterSchema.shape),
    },
    async ({ params, body }) => {
      const alias = await setAlias(deps, {
        ...params,
        version: body.version,
        reason: body.reason ?? `manual: ${params.alias} -> v${body.version}`,
        policy: 'manual',
        by: body.by ?? 'api',
        expectedCurrent: body.expectedCurrent,
      });
      await invalidateModelEndpoints(deps, serving, params.model);
      return { ...alias, endpoints: await modelTrafficViews(deps, params.model) };
    },
  );
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/models/{model}/aliases/{alias}/repair',
      summary:
        'Rewrite malformed alias-history entries and rebuild a malformed alias item, so history, moves and rollback read again',
      tag,
      params: AliasParams,
      body: z.strictObject({ by: z.string().min(1).max(128).optional() }),
      response: z.object({
        repaired: z.array(z.object({ revision: z.number(), fields: z.array(z.string()) })),
        /** The alias item, when it was malformed: its bad fields and where it points now. */
        head: z
          .object({ item: z.string(), fields: z.array(z.string()), version: z.number().nullable() })
          .optional(),
      }),
    },
    async ({ params, body }) => {
      const result = await repairAliasHistory(deps, { ...params, by: body.by ?? 'api' });
      await invalidateModelEndpoints(deps, serving, params.model);
      return result;
    },
  );
}

/** Rollback of champion to the previous champion. */
function mountRollbackRoute(app: OpenAPIHono, deps: CoreDeps, serving: PredictContext): void {
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/models/{model}/rollback',
      summary: 'Move champion back to the previous champion',
      tag,
      params: ModelParams,
      body: z.strictObject({ reason: z.string().max(500).optional() }),
      response: PromotionResultSchema.extend(ServingAfterSchema.shape),
    },
    async ({ params, body }) => {
      const result = await applyDeployPolicy(deps, {
        model: params.model,
        policy: 'rollback',
        by: 'api',
        reason: body.reason,
      });
      await invalidateModelEndpoints(deps, serving, params.model);
      return { ...result, endpoints: await modelTrafficViews(deps, params.model) };
    },
  );
}
