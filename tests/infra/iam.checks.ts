import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/paths.js';
import { BATCH_STEPS, type BatchStepName } from '../../infra/constructs/batch-predictions.js';
import { PIPELINE_STEPS } from '../../infra/constructs/pipeline-functions.js';
import { LAMBDA_ENTRIES } from '../../infra/entries.js';
import { LAMBDA_TASKS } from '../../statemachines/substitutions.js';
import {
  actionsByTarget,
  type FlatStatement,
  flatStatements,
  logicalRef,
  renderExpression,
} from './iam-walk.js';
import { codeAccessOf, DYNAMO_HELPER_ACTIONS, type TableRole } from './code-access.js';
import type { Synthesized } from './synth.js';

// The action sets each function is granted (infra DataAccess); pinned so that a widened grant fails here.
const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const S3_READ = ['s3:GetObject', 's3:ListBucket'];
const S3_RW = [...S3_READ, 's3:PutObject'].sort();
const DDB_READ = ['dynamodb:GetItem', 'dynamodb:Query'];
const DDB_RW = [...DDB_READ, 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort();
const DDB_LOG = ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'];
/** Lambda sends a failed async invocation to its on-failure destination with the function's role. */
const DLQ_SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
/** The management function lists and redrives the dead letters (core/events/dead-letter-aws.ts). */
const DLQ_REDRIVE = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'];
/** Functions whose on-failure destination is the queue: Lambda sends there with their role, not their code. */
const DESTINATION_SENDERS = new Set(['logIngest', 'drift', 'retrain']);
const SFN_RUNS = [
  'states:DescribeExecution',
  'states:GetExecutionHistory',
  'states:StartExecution',
  'states:StopExecution',
];
const DEFAULT_BUS = 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default';
/** The Map Runs of the batch-predict machine (its job progress). */
const BATCH_MAP_RUNS =
  'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:mapRun:cirrus-batch-predict/*';
/** The retraining schedule rules the API puts at run time (`cirrus-retrain-*`). */
const RETRAIN_RULES = 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/cirrus-retrain-*';
/** The upload function by its fixed name: `complete` invokes it asynchronously for the check. */
const UPLOAD_SELF = 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:cirrus-dataset-uploads';

/**
 * What each function's code does, as AWS actions by target, pinned so a widened grant fails
 * here (CODE_ROOTS below ties the tables and bucket to the code itself): Validate reads the
 * dataset's record and creates the run; Prepare writes the split; Evaluate reads the job output and
 * writes the model files and baseline; Register reads them and writes the version; the policy function
 * moves aliases; mark-run closes the run and sets its version's status; predict reads the
 * registry and models (its log is lines on stdout); log ingest stores those lines; management serves everything, starts and stops
 * runs, puts events and keeps the retraining rules; drift writes reports, reads the run of the
 * drifted version and puts ModelDriftDetected; retrain reads the experiment and starts training
 * (a sweep when the last request was one).
 */
const EXPECTED: Record<string, Record<string, string[]>> = {
  validate: { '*': XRAY, tracking: DDB_RW },
  prepare: { '*': XRAY, bucket: S3_RW },
  evaluate: { '*': XRAY, bucket: S3_RW },
  register: { '*': XRAY, bucket: S3_READ, registry: DDB_RW },
  applyPolicy: { '*': XRAY, registry: DDB_RW },
  markRun: { '*': XRAY, bucket: S3_READ, tracking: DDB_RW, registry: DDB_RW },
  predict: { '*': XRAY, bucket: S3_READ, registry: DDB_READ },
  datasetUploads: {
    '*': XRAY,
    bucket: S3_RW,
    tracking: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
    [UPLOAD_SELF]: ['lambda:InvokeFunction'],
  },
  logIngest: { '*': XRAY, predictions: [...DDB_LOG, 'dynamodb:Query'].sort(), deadLetters: DLQ_SEND },
  management: {
    '*': XRAY,
    bucket: S3_RW,
    tracking: DDB_RW,
    registry: DDB_RW,
    predictions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    training: SFN_RUNS,
    sweep: SFN_RUNS,
    batch: ['states:DescribeExecution', 'states:ListMapRuns', 'states:StartExecution'],
    [BATCH_MAP_RUNS]: ['states:DescribeMapRun'],
    [DEFAULT_BUS]: ['events:PutEvents'],
    deadLetters: DLQ_REDRIVE,
    // A redrive hands a dead letter back to the function it failed in, and only those.
    'fn:drift': ['lambda:InvokeFunction'],
    'fn:retrain': ['lambda:InvokeFunction'],
    'fn:logIngest': ['lambda:InvokeFunction'],
    [RETRAIN_RULES]: [
      'events:DeleteRule',
      'events:DescribeRule',
      'events:PutRule',
      'events:PutTargets',
      'events:RemoveTargets',
    ],
  },
  drift: {
    '*': XRAY,
    bucket: S3_RW,
    tracking: DDB_READ,
    registry: DDB_RW,
    predictions: ['dynamodb:Query'],
    [DEFAULT_BUS]: ['events:PutEvents'],
    deadLetters: DLQ_SEND,
  },
  scoreBatch: { '*': XRAY, bucket: [...S3_RW], registry: DDB_READ },
  assembleBatch: {
    '*': XRAY,
    bucket: ['s3:AbortMultipartUpload', ...S3_RW].sort(),
    registry: DDB_READ,
    tracking: DDB_RW,
  },
  markBatchFailed: { '*': XRAY, tracking: DDB_RW },
  retrain: {
    '*': XRAY,
    bucket: S3_RW,
    tracking: DDB_RW,
    registry: DDB_READ,
    predictions: ['dynamodb:Query'],
    training: ['states:StartExecution'],
    sweep: ['states:StartExecution'],
    deadLetters: DLQ_SEND,
  },
};

/**
 * Where each function's code starts: its Lambda entry (each pipeline entry imports only the
 * core functions of its own tasks).
 */
export const CODE_ROOTS: Record<string, string[]> = {
  ...Object.fromEntries(
    Object.entries(PIPELINE_STEPS).map(([name, step]) => [name, [LAMBDA_ENTRIES[step.entry]]]),
  ),
  predict: [LAMBDA_ENTRIES.predict],
  datasetUploads: [LAMBDA_ENTRIES.datasetUploads],
  logIngest: [LAMBDA_ENTRIES.logIngest],
  management: [LAMBDA_ENTRIES.api],
  drift: [LAMBDA_ENTRIES.drift],
  retrain: [LAMBDA_ENTRIES.retrain],
  ...Object.fromEntries(
    Object.keys(BATCH_STEPS).map((name) => [name, [LAMBDA_ENTRIES[name as BatchStepName]]]),
  ),
};
const TABLE_ROLES: readonly TableRole[] = ['tracking', 'registry', 'predictions'];

/**
 * Data a function's bundle reaches through a shared module but its handler never touches, so
 * it gets no grant there, each with the reason read from the code.
 */
const NOT_CALLED: Record<string, Partial<Record<TableRole | 'bucket', string>>> = {
  validate: {
    bucket: "getDataset reads the dataset's record in the tracking table, never its file",
    registry: 'reached through the run-id helpers of core/pipeline/retrain.ts, never called',
    predictions: 'reached through the run-id helpers of core/pipeline/retrain.ts, never called',
  },
  evaluate: {
    registry: "reached through core/imports (a custom trainer's model is adapted as an import), never called",
  },
};

/** Registers the least-privilege checks on a synthesized default stack. */
export function iamChecks(synth: Synthesized): void {
  describe('IAM least privilege', () => {
    let statements: FlatStatement[];
    let names: Map<string, string>;

    beforeAll(() => {
      statements = flatStatements(synth.template);
      const { stack } = synth;
      names = new Map([
        [logicalRef(stack, stack.store.bucket.bucketArn), 'bucket'],
        [logicalRef(stack, stack.tables.tracking.tableArn), 'tracking'],
        [logicalRef(stack, stack.tables.registry.tableArn), 'registry'],
        [logicalRef(stack, stack.tables.predictions.tableArn), 'predictions'],
        [logicalRef(stack, stack.pipeline.training.stateMachineArn), 'training'],
        [logicalRef(stack, stack.pipeline.sweep.stateMachineArn), 'sweep'],
        [logicalRef(stack, stack.batch.stateMachine.stateMachineArn), 'batch'],
        [logicalRef(stack, stack.pipeline.sageMakerRole.roleArn), 'sageMakerRole'],
        [logicalRef(stack, stack.alerts.deadLetters.queueArn), 'deadLetters'],
      ]);
      for (const [name, fn] of Object.entries(stack.pipeline.functions.functions))
        names.set(logicalRef(stack, fn.functionArn), `fn:${name}`);
      names.set(logicalRef(stack, stack.drift.driftFunction.functionArn), 'fn:drift');
      names.set(logicalRef(stack, stack.drift.retrainFunction.functionArn), 'fn:retrain');
      names.set(logicalRef(stack, stack.api.logIngestFunction.functionArn), 'fn:logIngest');
    });

    const roleOf = (name: string): string => {
      const { stack } = synth;
      const fns = {
        ...stack.pipeline.functions.functions,
        predict: stack.api.predictFunction,
        datasetUploads: stack.api.datasetUploadsFunction,
        logIngest: stack.api.logIngestFunction,
        management: stack.api.managementFunction,
        drift: stack.drift.driftFunction,
        retrain: stack.drift.retrainFunction,
        ...stack.batch.functions,
      };
      const fn = Object.entries(fns).find(([n]) => n === name)?.[1];
      if (!fn?.role) throw new Error(`no role for function ${name}`);
      return logicalRef(stack, fn.role.roleArn);
    };

    it('allows no action on all resources with a wildcard action', () => {
      const offending = statements.filter(
        (s) => s.resources.includes('*') && s.actions.some((a) => a === '*' || a.endsWith(':*')),
      );
      expect(offending).toEqual([]);
    });

    it('allows on all resources only the actions that have no resource-level permissions', () => {
      const onEverything = [
        ...new Set(statements.filter((s) => s.resources.includes('*')).flatMap((s) => s.actions)),
      ].sort();
      expect(onEverything).toEqual([
        'cloudwatch:PutMetricData',
        'ecr:GetAuthorizationToken',
        'logs:CreateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:DescribeLogGroups',
        'logs:DescribeResourcePolicies',
        'logs:GetLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:UpdateLogDelivery',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });

    it.each(Object.keys(EXPECTED))('gives the %s function exactly the actions its code calls', (name) => {
      expect(actionsByTarget(statements, roleOf(name), names)).toEqual(EXPECTED[name]);
    });

    it.each(Object.keys(CODE_ROOTS))(
      'grants the %s function only actions its code sends, on the data its code touches',
      async (name) => {
        const code = await codeAccessOf(CODE_ROOTS[name] ?? []);
        const granted = actionsByTarget(statements, roleOf(name), names);
        const notCalled = NOT_CALLED[name] ?? {};
        const where = `${code.modules.length} modules from ${(CODE_ROOTS[name] ?? []).join(', ')}`;
        for (const table of TABLE_ROLES) {
          const sent = code.tables[table]?.actions.map((a) => `dynamodb:${a}`) ?? [];
          const excess = (granted[table] ?? []).filter((a) => !sent.includes(a));
          expect(excess, `${table}: granted but never sent (${where})`).toEqual([]);
          if (!notCalled[table]) expect(Boolean(granted[table]), `${table} (${where})`).toBe(sent.length > 0);
        }
        const sentS3 = code.bucket?.actions.map((a) => `s3:${a}`) ?? [];
        const excessS3 = (granted.bucket ?? []).filter((a) => !sentS3.includes(a));
        expect(excessS3, `bucket: granted but never sent (${where})`).toEqual([]);
        if (!notCalled.bucket) expect(Boolean(granted.bucket), where).toBe(sentS3.length > 0);
        // The queue: what the code sends, plus what Lambda's on-failure destination sends.
        const sentSqs = code.queue?.actions.map((a) => `sqs:${a}`) ?? [];
        const destination = DESTINATION_SENDERS.has(name) ? DLQ_SEND : [];
        expect(granted.deadLetters ?? [], `deadLetters (${where})`).toEqual(
          [...new Set([...sentSqs, ...destination])].sort(),
        );
        // Functions: the code invokes only where it is granted to, and is granted only what it sends.
        const sentLambda = code.lambda?.actions.map((a) => `lambda:${a}`) ?? [];
        const invoked = Object.entries(granted).filter(
          ([target]) => /^fn:(drift|retrain|logIngest)$/.test(target) || target === UPLOAD_SELF,
        );
        for (const [target, actions] of invoked)
          expect(
            actions.filter((a) => !sentLambda.includes(a)),
            `${target}: granted but never sent`,
          ).toEqual([]);
        expect(invoked.length > 0, `invokes functions (${where})`).toBe(sentLambda.length > 0);
      },
    );

    it('maps every sending helper of core/storage/dynamo.ts to its action', () => {
      const source = readFileSync(repoPath('core/storage/dynamo.ts'), 'utf8');
      const bodies = [...source.matchAll(/export (?:async )?function\*? ?(\w+)[^{]*\{([\s\S]*?)\n\}/g)];
      // A helper sends if its body sends, or calls a helper that does.
      const direct = bodies.filter((m) => /\.send\(/.test(m[2] ?? '')).map((m) => m[1] ?? '');
      const sending = bodies
        .filter(
          (m) => direct.includes(m[1] ?? '') || direct.some((d) => new RegExp(`\\b${d}\\(`).test(m[2] ?? '')),
        )
        .map((m) => m[1]);
      expect(sending.sort()).toEqual(Object.keys(DYNAMO_HELPER_ACTIONS).sort());
    });

    it('keeps the function that presigns dataset uploads to objects under datasets/ (its URLs carry its grants)', () => {
      const own = statements.filter((s) => s.roles.includes(roleOf('datasetUploads')));
      const objectGrants = own.filter((s) => s.actions.some((a) => /^s3:(Get|Put)Object/.test(a)));
      expect(objectGrants.flatMap((s) => s.resources)).toEqual([
        expect.stringMatching(/^<ArtifactStoreBucket\w+>\/datasets\/\*$/),
      ]);
      expect(objectGrants.flatMap((s) => s.actions).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
      // The management function, which may write the whole bucket, no longer serves these routes.
      const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).map(
        (r) => r.Properties.RouteKey as string,
      );
      expect(routes).toEqual(
        expect.arrayContaining([
          'POST /v1/datasets/uploads',
          'POST /v1/datasets/uploads/{uploadId}/complete',
        ]),
      );
    });

    it('lets no role delete objects or items, since no code deletes', () => {
      const deletes = statements.flatMap((s) =>
        s.actions.filter((a) => /^(s3:Delete|dynamodb:Delete)/.test(a)),
      );
      expect(deletes).toEqual([]);
    });

    it('lets the state machine role run training jobs named cirrus-* and nothing else in SageMaker', () => {
      const sm = actionsByTarget(
        statements,
        logicalRef(synth.stack, synth.stack.pipeline.stateMachineRole.roleArn),
        names,
      );
      const jobs = 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/cirrus-*';
      expect(sm[jobs]).toEqual([
        'sagemaker:AddTags',
        'sagemaker:CreateTrainingJob',
        'sagemaker:DescribeTrainingJob',
        'sagemaker:ListTags',
        'sagemaker:StopTrainingJob',
      ]);
      const rule =
        'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule';
      expect(sm[rule]).toEqual(['events:DescribeRule', 'events:PutRule', 'events:PutTargets']);
      const sagemakerAnywhereElse = Object.entries(sm).filter(
        ([target, actions]) => target !== jobs && actions.some((a) => a.startsWith('sagemaker:')),
      );
      expect(sagemakerAnywhereElse).toEqual([]);
      for (const task of LAMBDA_TASKS) {
        const fnName = `fn:${Object.entries(synth.stack.pipeline.functions.functions).find(([, f]) => f === synth.stack.pipeline.functions.forTask(task))?.[0]}`;
        expect(sm[fnName], task).toEqual(['lambda:InvokeFunction']);
      }
    });

    it('passes only the SageMaker execution role, only to SageMaker', () => {
      const passRole = statements.filter((s) => s.actions.some((a) => a === 'iam:PassRole' || a === 'iam:*'));
      expect(passRole).toHaveLength(1);
      expect(passRole[0]?.roles).toEqual([
        logicalRef(synth.stack, synth.stack.pipeline.stateMachineRole.roleArn),
      ]);
      expect(passRole[0]?.resources).toEqual([
        logicalRef(synth.stack, synth.stack.pipeline.sageMakerRole.roleArn),
      ]);
      expect(passRole[0]?.condition).toEqual({
        StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
      });
    });

    it('lets the API point its runtime retraining rules at the retrain function only', () => {
      const retrain = synth.stack.drift.retrainFunction;
      const putTargets = statements.filter(
        (s) => s.roles.includes(roleOf('management')) && s.actions.includes('events:PutTargets'),
      );
      expect(putTargets.map((s) => [s.actions, s.resources])).toEqual([
        [['events:PutTargets'], [RETRAIN_RULES]],
      ]);
      expect(putTargets[0]?.condition).toEqual({
        ArnEquals: { 'events:TargetArn': synth.stack.resolve(retrain.functionArn) },
      });
      // Those rules invoke the function through its resource policy (no role to pass).
      const permissions = Object.values(synth.template.findResources('AWS::Lambda::Permission')).filter(
        (p) => renderExpression(p.Properties.SourceArn) === RETRAIN_RULES,
      );
      expect(permissions.map((p) => [p.Properties.Principal, p.Properties.FunctionName])).toEqual([
        ['events.amazonaws.com', synth.stack.resolve(retrain.functionArn)],
      ]);
    });

    it('keeps the SageMaker role to the run and dataset prefixes, the trainer image and its logs', () => {
      const role = logicalRef(synth.stack, synth.stack.pipeline.sageMakerRole.roleArn);
      const own = statements.filter((s) => s.roles.includes(role));
      const writes = own.filter((s) => s.actions.includes('s3:PutObject'));
      expect(writes.flatMap((s) => s.resources)).toEqual([
        expect.stringMatching(/^<ArtifactStoreBucket\w+>\/runs\/\*$/),
      ]);
      expect(
        own.flatMap((s) => s.actions).filter((a) => a.startsWith('dynamodb:') || a.startsWith('s3:Delete')),
      ).toEqual([]);
      expect(own.flatMap((s) => s.actions)).toEqual(
        expect.arrayContaining(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'logs:PutLogEvents']),
      );
    });
  });
}
