import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  RUN_TRANSITIONS,
  type Run,
  type RunInput,
  RunInputSchema,
  type RunResults,
  RunResultsSchema,
  RunSchema,
  type RunStatus,
} from '../../contracts/tracking.js';
import type { MetricDirection } from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError, NotFoundError, ValidationError } from '../errors.js';
import { toItem } from '../storage/storable.js';
import { checkUpdate } from '../storage/checked-update.js';
import { isConditionFailed, parseItem, queryAll } from '../storage/dynamo.js';
import { trackingKeys } from '../storage/keys.js';
import { getExperiment } from './experiments.js';
import { newRunId } from './run-id.js';
import { resultUpdates } from './run-update.js';

/**
 * Creates a QUEUED run in an existing experiment.
 * @throws NotFoundError('experiment', name); ConflictError if the id is taken.
 */
export async function createRun(deps: CoreDeps, input: RunInput): Promise<Run> {
  const parsed = RunInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  await getExperiment(deps, { name: parsed.data.experiment });
  const now = deps.now().toISOString();
  const id = parsed.data.id ?? newRunId(deps.now());
  const run: Run = toItem(RunSchema, {
    ...parsed.data,
    id,
    status: 'QUEUED',
    statusHistory: [{ status: 'QUEUED', at: now, reason: 'created' }],
    createdAt: now,
    updatedAt: now,
    artifacts: {},
  });
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.tracking,
        Item: { ...trackingKeys.run(id), ...trackingKeys.runIndex(run.experiment, now, id), ...run },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new ConflictError(`run '${id}' already exists`);
    throw error;
  }
  return run;
}

/** @throws NotFoundError('run', id) */
export async function getRun(deps: CoreDeps, input: { runId: string }): Promise<Run> {
  const { Item } = await deps.ddb.send(
    new GetCommand({
      TableName: deps.tables.tracking,
      Key: trackingKeys.run(input.runId),
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new NotFoundError('run', input.runId);
  return parseItem(RunSchema, Item);
}

export interface TransitionRunInput {
  readonly runId: string;
  readonly status: RunStatus;
  readonly reason: string;
  /** Recorded in the same write (metrics, artifacts, durationMs, error, …). */
  readonly results?: RunResults;
}

/**
 * Moves a run QUEUED → RUNNING → SUCCEEDED | FAILED (or QUEUED → FAILED), appending to its
 * status history. Conditional on the status it read, so two writers cannot both move it.
 * @throws ConflictError for an illegal or concurrent transition; NotFoundError('run', id).
 */
export async function transitionRun(deps: CoreDeps, input: TransitionRunInput): Promise<Run> {
  const results = parseResults(input.results ?? {});
  const run = await getRun(deps, input);
  if (!RUN_TRANSITIONS[run.status].includes(input.status)) {
    throw new ConflictError(`run '${run.id}' is ${run.status}; it cannot move to ${input.status}`);
  }
  const now = deps.now().toISOString();
  const change = { status: input.status, at: now, reason: input.reason };
  // The appended history entry is checked as a one-entry history.
  checkUpdate(RunSchema, {
    set: { ...results, status: input.status, statusHistory: [change], updatedAt: now },
  });
  const parts = resultUpdates(results, now);
  try {
    const { Attributes } = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.tracking,
        Key: trackingKeys.run(run.id),
        UpdateExpression: `SET #status = :to, statusHistory = list_append(statusHistory, :change), ${parts.set.join(', ')}`,
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status', ...parts.names },
        ExpressionAttributeValues: {
          ':to': input.status,
          ':from': run.status,
          ':change': [change],
          ...parts.values,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return parseItem(RunSchema, Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) {
      throw new ConflictError(`run '${run.id}' changed status concurrently; it is no longer ${run.status}`);
    }
    throw error;
  }
}

function parseResults(results: RunResults): RunResults {
  const parsed = RunResultsSchema.safeParse(results);
  if (!parsed.success) throw fromZodError(parsed.error, 'results');
  return parsed.data;
}

/**
 * Records results on a run without changing its status (artifacts merge by name).
 * @throws NotFoundError('run', id)
 */
export async function recordRunResults(deps: CoreDeps, input: { runId: string } & RunResults): Promise<Run> {
  const { runId, ...rest } = input;
  const results = parseResults(rest);
  const now = deps.now().toISOString();
  checkUpdate(RunSchema, { set: { ...results, updatedAt: now } });
  const parts = resultUpdates(results, now);
  try {
    const { Attributes } = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.tracking,
        Key: trackingKeys.run(runId),
        UpdateExpression: `SET ${parts.set.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.keys(parts.names).length ? parts.names : undefined,
        ExpressionAttributeValues: parts.values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return parseItem(RunSchema, Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) throw new NotFoundError('run', runId);
    throw error;
  }
}

export interface ListRunsInput {
  readonly experiment: string;
  /** @default 'asc' (oldest first) */
  readonly order?: 'asc' | 'desc';
  /** @default 100 */
  readonly limit?: number;
  readonly pageToken?: string;
}

/** Runs of an experiment ordered by creation time, paged with an opaque token. */
export async function listRuns(
  deps: CoreDeps,
  input: ListRunsInput,
): Promise<{ runs: Run[]; nextToken?: string }> {
  const page = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.tables.tracking,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': trackingKeys.runsOf(input.experiment) },
      ScanIndexForward: (input.order ?? 'asc') === 'asc',
      Limit: input.limit ?? 100,
      ExclusiveStartKey: decodeToken(input.pageToken),
    }),
  );
  return {
    runs: (page.Items ?? []).map((item) => parseItem(RunSchema, item)),
    nextToken: page.LastEvaluatedKey
      ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url')
      : undefined,
  };
}

function decodeToken(token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value))
      return Object.fromEntries(Object.entries(value));
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('pageToken: not a token returned by listRuns', 'pageToken');
}

/** The SUCCEEDED run with the best score (ties: the earliest), or null when none has one. */
export async function bestRun(
  deps: CoreDeps,
  input: { experiment: string; direction?: MetricDirection },
): Promise<Run | null> {
  const items = await queryAll(deps, {
    TableName: deps.tables.tracking,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': trackingKeys.runsOf(input.experiment) },
  });
  const sign = (input.direction ?? 'maximize') === 'maximize' ? 1 : -1;
  let best: Run | null = null;
  for (const run of items.map((item) => parseItem(RunSchema, item))) {
    if (run.status !== 'SUCCEEDED' || run.score === undefined) continue;
    if (!best || sign * (run.score - (best.score ?? 0)) > 0) best = run;
  }
  return best;
}
