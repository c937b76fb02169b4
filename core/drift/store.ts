import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type DriftEventState,
  type DriftReportDocument,
  DriftReportDocumentSchema,
  type DriftReportSummary,
  DriftReportSummarySchema,
  type StoredDriftReport,
} from '../../contracts/drift.js';
import { getJson } from '../artifacts/store.js';
import { toS3Uri } from '../artifacts/uri.js';
import type { CoreDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import { parseItem } from '../storage/dynamo.js';
import { toItem } from '../storage/storable.js';
import { driftKeys } from '../storage/keys.js';

/** `drift/{endpoint}/{reportId}.json` (docs/conventions.md, artifact store layout). */
export const driftReportKey = (endpoint: string, reportId: string) => `drift/${endpoint}/${reportId}.json`;

/** `YYYYMMDD-HHMMSS-mmm`: the time part of a report id, so ids sort by creation time. */
export function reportIdStamp(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${iso.slice(20, 23)}`;
}

/** A time-ordered report id, `YYYYMMDD-HHMMSS-mmm-<8 hex>` (safe in S3 keys and URLs). */
export function newReportId(at: Date): string {
  return `${reportIdStamp(at)}-${randomBytes(4).toString('hex')}`;
}

/** The summary row of a stored report. */
export function summarize(
  doc: DriftReportDocument,
  reportUri: string,
  event: DriftEventState,
): DriftReportSummary {
  return {
    reportId: doc.reportId,
    endpoint: doc.endpoint,
    model: doc.model,
    version: doc.version,
    createdAt: doc.createdAt,
    window: doc.window,
    status: doc.status,
    ...(doc.message ? { message: doc.message } : {}),
    rows: doc.rows,
    features: doc.features.length,
    driftedFeatures: doc.driftedFeatures,
    share: doc.share,
    datasetDrift: doc.datasetDrift,
    predictionDrift: doc.prediction?.drifted ?? false,
    performanceDrift: doc.performance?.drifted ?? false,
    driftDetected: doc.driftDetected,
    reportUri,
    event,
  };
}

/** Writes the summary (registry table); the caller has stored the JSON document first. */
export async function putDriftSummary(deps: CoreDeps, summary: DriftReportSummary): Promise<void> {
  await deps.ddb.send(
    new PutCommand({
      TableName: deps.tables.registry,
      Item: {
        ...driftKeys.summary(summary.endpoint, summary.reportId),
        ...toItem(DriftReportSummarySchema, summary),
      },
    }),
  );
}

export interface ListDriftReportsInput {
  readonly endpoint: string;
  /** @default 50 */
  readonly limit?: number;
  /** Only reports created at or after this time. */
  readonly since?: Date;
}

/** The endpoint's report summaries, newest first (an endpoint with none lists none). */
export async function listDriftReports(
  deps: CoreDeps,
  input: ListDriftReportsInput,
): Promise<DriftReportSummary[]> {
  const limit = input.limit ?? 50;
  // Ids start with their creation stamp: `DRIFT#<stamp of since>` bounds the range from below.
  const from = `${driftKeys.skPrefix}${input.since ? reportIdStamp(input.since) : ''}`;
  const out: DriftReportSummary[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.tables.registry,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': driftKeys.pk(input.endpoint),
          ':from': from,
          // '~' sorts after every id character: the end of the DRIFT# range.
          ':to': `${driftKeys.skPrefix}~`,
        },
        ScanIndexForward: false,
        Limit: limit - out.length,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) out.push(parseItem(DriftReportSummarySchema, item));
    start = page.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out;
}

/** The full report: its summary (where it is, what its event did) and the document from S3. */
export async function getDriftReport(
  deps: CoreDeps,
  input: { endpoint: string; reportId: string },
): Promise<StoredDriftReport> {
  const res = await deps.ddb.send(
    new GetCommand({
      TableName: deps.tables.registry,
      Key: driftKeys.summary(input.endpoint, input.reportId),
    }),
  );
  if (!res.Item) throw new NotFoundError('drift report', `${input.endpoint}/${input.reportId}`);
  const summary = parseItem(DriftReportSummarySchema, res.Item);
  const doc = await getJson(deps, { uri: summary.reportUri, schema: DriftReportDocumentSchema });
  return { ...doc, reportUri: summary.reportUri, event: summary.event };
}

/** Where a new report of `endpoint` will be stored. */
export function driftReportUri(deps: CoreDeps, endpoint: string, reportId: string): string {
  return toS3Uri(deps.bucket, driftReportKey(endpoint, reportId));
}
