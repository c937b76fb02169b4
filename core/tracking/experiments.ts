import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import {
  type Experiment,
  ExperimentNameSchema,
  ExperimentSchema,
  RetrainScheduleSchema,
} from '../../contracts/tracking.js';
import { TaskSchema } from '../../contracts/model-contract.js';
import { TrainingRequestBodySchema } from '../../contracts/training-request.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError, NotFoundError } from '../errors.js';
import { toItem } from '../storage/storable.js';
import { checkUpdate } from '../storage/checked-update.js';
import { isConditionFailed, listByIndex, parseItem } from '../storage/dynamo.js';
import { trackingKeys } from '../storage/keys.js';

export const CreateExperimentInputSchema = z.object({
  name: ExperimentNameSchema,
  task: TaskSchema,
  description: z.string().max(2000).optional(),
  tags: z.record(z.string(), z.string()).default({}),
  retrainSchedule: RetrainScheduleSchema.optional(),
});
export type CreateExperimentInput = z.input<typeof CreateExperimentInputSchema>;

/**
 * Creates an experiment.
 * @throws ConflictError when it exists (use `ensureExperiment` to get-or-create).
 */
export async function createExperiment(deps: CoreDeps, input: CreateExperimentInput): Promise<Experiment> {
  const parsed = CreateExperimentInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const experiment: Experiment = toItem(ExperimentSchema, {
    ...parsed.data,
    createdAt: deps.now().toISOString(),
  });
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.tracking,
        Item: {
          ...trackingKeys.experiment(experiment.name),
          ...trackingKeys.experimentIndex(experiment.name),
          ...experiment,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new ConflictError(`experiment '${experiment.name}' already exists`);
    throw error;
  }
  return experiment;
}

/**
 * The experiment, created if missing. An existing experiment of another task is a conflict:
 * runs of one experiment are compared on one metric.
 */
export async function ensureExperiment(deps: CoreDeps, input: CreateExperimentInput): Promise<Experiment> {
  const existing = await findExperiment(deps, { name: input.name });
  if (existing) return checkTask(existing, input.task);
  try {
    return await createExperiment(deps, input);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return checkTask(await getExperiment(deps, { name: input.name }), input.task);
  }
}

function checkTask(experiment: Experiment, task: string): Experiment {
  if (experiment.task !== task) {
    throw new ConflictError(
      `experiment '${experiment.name}' is a ${experiment.task} experiment, not ${task}`,
    );
  }
  return experiment;
}

async function findExperiment(deps: CoreDeps, input: { name: string }): Promise<Experiment | null> {
  const { Item } = await deps.ddb.send(
    new GetCommand({
      TableName: deps.tables.tracking,
      Key: trackingKeys.experiment(input.name),
      ConsistentRead: true,
    }),
  );
  return Item ? parseItem(ExperimentSchema, Item) : null;
}

/** @throws NotFoundError('experiment', name) */
export async function getExperiment(deps: CoreDeps, input: { name: string }): Promise<Experiment> {
  const experiment = await findExperiment(deps, input);
  if (!experiment) throw new NotFoundError('experiment', input.name);
  return experiment;
}

/** Every experiment, by name. */
export async function listExperiments(deps: CoreDeps): Promise<Experiment[]> {
  return listByIndex(deps, deps.tables.tracking, 'EXPERIMENTS', (item) => parseItem(ExperimentSchema, item));
}

export const UpdateExperimentInputSchema = z.object({
  name: ExperimentNameSchema,
  description: z.string().max(2000).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  /** `null` removes the schedule. */
  retrainSchedule: RetrainScheduleSchema.nullable().optional(),
  /** The request that last trained this experiment (retraining replays it without a champion). */
  lastRequest: TrainingRequestBodySchema.optional(),
  /** Opt in to (or out of) continuous training. */
  continuousTraining: z.boolean().optional(),
});
export type UpdateExperimentInput = z.input<typeof UpdateExperimentInputSchema>;

/**
 * Updates the given fields of an experiment (others are left as they are).
 * @throws NotFoundError('experiment', name)
 */
export async function updateExperiment(deps: CoreDeps, input: UpdateExperimentInput): Promise<Experiment> {
  const parsed = UpdateExperimentInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { name, ...fields } = parsed.data;
  const set: string[] = [];
  const remove: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    if (value === null) remove.push(`#${field}`);
    else {
      set.push(`#${field} = :${field}`);
      values[`:${field}`] = value;
    }
  }
  if (set.length + remove.length === 0) return getExperiment(deps, { name });
  checkUpdate(ExperimentSchema, {
    set: Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)),
    remove: Object.keys(fields).filter((field) => fields[field as keyof typeof fields] === null),
  });
  const expression = [
    set.length ? `SET ${set.join(', ')}` : '',
    remove.length ? `REMOVE ${remove.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  try {
    const { Attributes } = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.tracking,
        Key: trackingKeys.experiment(name),
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return parseItem(ExperimentSchema, Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) throw new NotFoundError('experiment', name);
    throw error;
  }
}
