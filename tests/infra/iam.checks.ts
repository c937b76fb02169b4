import { beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_TASKS } from '../../statemachines/substitutions.js';
import {
  actionsByTarget,
  type FlatStatement,
  flatStatements,
  logicalRef,
  renderExpression,
} from './iam-walk.js';
import type { Synthesized } from './synth.js';

// The action sets CDK's grant* calls produce; pinned so that a widened grant fails here.
const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const S3_READ = ['s3:GetBucket*', 's3:GetObject*', 's3:List*'];
const S3_PUT = [
  's3:Abort*',
  's3:PutObject',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
];
const S3_RW = [...S3_READ, ...S3_PUT, 's3:DeleteObject*'].sort();
const DDB_READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:Scan',
];
const DDB_RW = [
  ...DDB_READ,
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
].sort();
const SFN_RUNS = [
  'states:DescribeExecution',
  'states:GetExecutionHistory',
  'states:StartExecution',
  'states:StopExecution',
];
const DEFAULT_BUS = 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default';
/** The retraining schedule rules the API puts at run time (`cirrus-retrain-*`). */
const RETRAIN_RULES = 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/cirrus-retrain-*';

/**
 * What each function's code does, as AWS actions by target. Read with docs/conventions.md:
 * Validate reads datasets and creates the run; Prepare writes the split; Evaluate reads job
 * output and writes metrics; Register copies the model and writes the version; the policy
 * function moves aliases; mark-run closes the run; predict reads the registry and models and
 * logs predictions; management serves everything and starts/stops runs; drift writes reports
 * and puts ModelDriftDetected; retrain reads the experiment and starts the training machine.
 */
const EXPECTED: Record<string, Record<string, string[]>> = {
  validate: { '*': XRAY, bucket: S3_READ, tracking: DDB_RW },
  prepare: { '*': XRAY, bucket: S3_RW, tracking: DDB_RW },
  evaluate: { '*': XRAY, bucket: S3_RW, tracking: DDB_RW },
  register: { '*': XRAY, bucket: S3_RW, tracking: DDB_RW, registry: DDB_RW },
  applyPolicy: { '*': XRAY, tracking: DDB_READ, registry: DDB_RW },
  markRun: { '*': XRAY, tracking: DDB_RW },
  predict: { '*': XRAY, bucket: S3_READ, registry: DDB_READ, predictions: DDB_RW },
  management: {
    '*': XRAY,
    bucket: S3_RW,
    tracking: DDB_RW,
    registry: DDB_RW,
    predictions: DDB_RW,
    training: SFN_RUNS,
    sweep: SFN_RUNS,
    [DEFAULT_BUS]: ['events:PutEvents'],
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
    registry: DDB_RW,
    predictions: DDB_READ,
    [DEFAULT_BUS]: ['events:PutEvents'],
  },
  retrain: { '*': XRAY, tracking: DDB_READ, registry: DDB_READ, training: ['states:StartExecution'] },
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
        [logicalRef(stack, stack.pipeline.sageMakerRole.roleArn), 'sageMakerRole'],
      ]);
      for (const [name, fn] of Object.entries(stack.pipeline.functions.functions))
        names.set(logicalRef(stack, fn.functionArn), `fn:${name}`);
    });

    const roleOf = (name: string): string => {
      const { stack } = synth;
      const fns = {
        ...stack.pipeline.functions.functions,
        predict: stack.api.predictFunction,
        management: stack.api.managementFunction,
        drift: stack.drift.driftFunction,
        retrain: stack.drift.retrainFunction,
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

    it.each(Object.keys(EXPECTED))('gives the %s function exactly the actions its code calls', (name) => {
      expect(actionsByTarget(statements, roleOf(name), names)).toEqual(EXPECTED[name]);
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
