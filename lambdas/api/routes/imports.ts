import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { ImportRequestSchema, ImportUploadsResponseSchema } from '../../../contracts/model-import.js';
import { ModelVersionSchema } from '../../../contracts/registry.js';
import { ValidationError } from '../../../core/errors.js';
import { importModel } from '../../../core/imports/import-model.js';
import { createImportUploads, readUpload } from '../../../core/imports/uploads.js';
import { startPipelineAbTest } from '../../../core/pipeline/start-ab-test.js';
import type { PredictContext } from '../../../core/serving/predict.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';
import { invalidateModelEndpoints } from '../serving.js';
import { ModelParams } from './params.js';

const tag = 'registry';

/** Where the request's file is: inline (base64 / CSV text) or an earlier presigned upload. */
async function fileOf(
  ctx: ApiContext,
  inline: Uint8Array | string | undefined,
  key: string | undefined,
  field: string,
): Promise<Uint8Array | string | undefined> {
  if (inline !== undefined && key !== undefined)
    throw new ValidationError(`${field}: give the file inline or as an upload key, not both`, field);
  return key !== undefined ? readUpload(ctx.deps, key, field) : inline;
}

/** Bring your own model: presigned upload URLs, and the import itself. */
export function mountImportRoutes(app: OpenAPIHono, ctx: ApiContext, serving: PredictContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/models/{model}/import/uploads',
      summary: 'Presigned S3 PUT URLs for an import (files larger than the API accepts)',
      tag,
      params: ModelParams,
      response: ImportUploadsResponseSchema,
    },
    ({ params }) => createImportUploads(deps, params.model),
  );
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/models/{model}/import',
      summary: 'Import an ONNX model as a new version (inline base64 or an uploaded key)',
      tag,
      params: ModelParams,
      body: ImportRequestSchema,
      status: 201,
      response: z.object({ version: ModelVersionSchema, deployment: z.record(z.string(), z.unknown()) }),
    },
    async ({ params, body }) => {
      const { onnxBase64, onnxKey, referenceCsv, referenceKey, ...options } = body;
      const inline = onnxBase64 !== undefined ? new Uint8Array(Buffer.from(onnxBase64, 'base64')) : undefined;
      const onnx = await fileOf(ctx, inline, onnxKey, 'onnx');
      if (onnx === undefined) throw new ValidationError('onnx: give onnxBase64 or onnxKey', 'onnx');
      const reference = await fileOf(ctx, referenceCsv, referenceKey, 'reference');
      const result = await importModel(
        deps,
        { model: params.model, onnx: onnx as Uint8Array, reference, options },
        startPipelineAbTest,
      );
      await invalidateModelEndpoints(deps, serving, params.model);
      return result;
    },
  );
}
