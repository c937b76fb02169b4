import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_SUBSTITUTION_NAMES,
  DEFINITION_FILES,
  findPlaceholders,
  renderDefinition,
} from '../../statemachines/substitutions.js';
import {
  actionsByTarget,
  type FlatStatement,
  flatStatements,
  logicalRef,
  renderExpression,
} from './iam-walk.js';
import type { Synthesized } from './synth.js';

const PREFIX = 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}';

/** Registers the batch-predict checks: the deployed ASL, its Distributed Maps and its role's scope. */
export function batchChecks(synth: Synthesized): void {
  describe('BatchPredictions', () => {
    let props: Record<string, unknown> & { DefinitionSubstitutions: Record<string, unknown> };
    let statements: FlatStatement[];
    let roleRef: string;
    let bucket: string;
    beforeAll(() => {
      const { stack, template } = synth;
      const id = stack.resolve(stack.batch.stateMachine.stateMachineArn).Ref;
      props = template.toJSON().Resources[id].Properties;
      statements = flatStatements(template);
      roleRef = logicalRef(stack, stack.batch.role.roleArn);
      bucket = logicalRef(stack, stack.store.bucket.bucketArn);
    });

    /** The staged asset rendered with the template's substitution values, as Step Functions does. */
    const rendered = () => {
      const staged = join(
        synth.outdir,
        `asset.${String((props.DefinitionS3Location as { Key: string }).Key)}`,
      );
      const values = Object.fromEntries(
        Object.entries(props.DefinitionSubstitutions).map(([k, v]) => [k, renderExpression(v)]),
      );
      return { staged, definition: JSON.parse(renderDefinition(staged, values)) as AslMachine };
    };

    it('deploys statemachines/batch-predict.asl.json byte for byte, every placeholder substituted', () => {
      expect(props.DefinitionString).toBeUndefined();
      const { staged, definition } = rendered();
      expect(readFileSync(staged, 'utf8')).toBe(readFileSync(DEFINITION_FILES.batch, 'utf8'));
      expect(Object.keys(props.DefinitionSubstitutions).sort()).toEqual([...BATCH_SUBSTITUTION_NAMES].sort());
      expect(findPlaceholders(JSON.stringify(definition))).toEqual([]);
      const { batch } = synth.stack;
      for (const [task, fn] of [
        ['ScoreBatch', batch.functions.scoreBatch],
        ['AssembleBatch', batch.functions.assembleBatch],
        ['MarkBatchFailed', batch.functions.markBatchFailed],
      ] as const)
        expect(props.DefinitionSubstitutions[`${task}FunctionArn`], task).toEqual(
          synth.stack.resolve(fn.functionArn),
        );
    });

    it('reads the input with a Distributed Map: ItemReader, ItemBatcher, ResultWriter, the score function', () => {
      const { definition } = rendered();
      const maps = Object.values(definition.States).filter((s) => s.Type === 'Map');
      expect(maps).toHaveLength(2);
      const scoreArn = renderExpression(
        synth.stack.resolve(synth.stack.batch.functions.scoreBatch.functionArn),
      );
      for (const map of maps) {
        expect(map.ItemProcessor?.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
        expect(map.ItemReader?.Resource).toBe('arn:aws:states:::s3:listObjectsV2');
        expect(map.ItemBatcher).toMatchObject({ MaxItemsPerBatchPath: '$.batch.maxItems' });
        expect(map.ResultWriter?.Resource).toBe('arn:aws:states:::s3:putObject');
        expect(map.ToleratedFailurePercentagePath).toBe('$.toleratedFailurePercentage');
        const child = Object.values(map.ItemProcessor?.States ?? {})[0];
        expect(child?.Parameters?.FunctionName).toBe(scoreArn);
      }
    });

    it('lets its role read only the input prefix, write only the output prefix, run only its own children', () => {
      const { stack } = synth;
      const names = new Map(
        Object.entries(stack.batch.functions).map(([n, f]) => [logicalRef(stack, f.functionArn), `fn:${n}`]),
      );
      const own = statements.filter((s) => s.roles.includes(roleRef));
      const s3 = own.filter((s) => s.actions.some((a) => a.startsWith('s3:')));
      expect(s3.map((s) => [s.actions, s.resources, s.condition])).toEqual([
        [['s3:GetObject'], [`${bucket}/batch/input/*`], undefined],
        [['s3:ListBucket'], [bucket], { StringLike: { 's3:prefix': ['batch/input/*'] } }],
        [
          ['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObject'],
          [`${bucket}/batch/output/*`],
          undefined,
        ],
      ]);
      const byTarget = actionsByTarget(own, roleRef, names);
      expect(byTarget[`${PREFIX}:stateMachine:cirrus-batch-predict`]).toEqual(['states:StartExecution']);
      expect(byTarget[`${PREFIX}:execution:cirrus-batch-predict/*`]).toEqual([
        'states:DescribeExecution',
        'states:StopExecution',
      ]);
      expect(byTarget[`${PREFIX}:mapRun:cirrus-batch-predict/*`]).toEqual(['states:DescribeMapRun']);
      // The ARN built from the name is the deployed machine's: StartExecution reaches itself, nothing else.
      expect(renderExpression(stack.resolve(stack.batch.stateMachine.stateMachineArn))).toMatch(/^<Batch/);
      expect(props.StateMachineName).toBe('cirrus-batch-predict');
      const states = own.flatMap((s) => s.actions).filter((a) => a.startsWith('states:'));
      expect([...new Set(states)].sort()).toEqual([
        'states:DescribeExecution',
        'states:DescribeMapRun',
        'states:StartExecution',
        'states:StopExecution',
      ]);
      for (const fn of ['fn:scoreBatch', 'fn:assembleBatch', 'fn:markBatchFailed'])
        expect(byTarget[fn], fn).toEqual(['lambda:InvokeFunction']);
      const other = Object.keys(byTarget).filter(
        (t) => !t.startsWith('fn:') && !t.startsWith(PREFIX) && !t.startsWith(bucket) && t !== '*',
      );
      expect(other).toEqual([]);
      expect(own.flatMap((s) => s.actions).filter((a) => /^(kms|dynamodb|iam):/.test(a))).toEqual([]);
    });

    it('confines the functions writing job files to the output prefix', () => {
      const { stack } = synth;
      for (const [name, fn] of Object.entries(stack.batch.functions)) {
        const role = logicalRef(stack, fn.role?.roleArn ?? '');
        const writes = statements
          .filter((s) => s.roles.includes(role) && s.actions.includes('s3:PutObject'))
          .flatMap((s) => s.resources);
        expect(writes, name).toEqual(name === 'markBatchFailed' ? [] : [`${bucket}/batch/output/*`]);
      }
    });

    it('tells the management function the batch machine to start', () => {
      const fn = synth.stack.api.managementFunction;
      const id = synth.stack.resolve(fn.functionArn)['Fn::GetAtt'][0];
      const env = synth.template.toJSON().Resources[id].Properties.Environment.Variables;
      expect(env.CIRRUS_BATCH_STATE_MACHINE_ARN).toEqual(
        synth.stack.resolve(synth.stack.batch.stateMachine.stateMachineArn),
      );
    });
  });
}

interface AslState {
  Type: string;
  ItemReader?: { Resource: string };
  ItemBatcher?: Record<string, unknown>;
  ResultWriter?: { Resource: string };
  ToleratedFailurePercentagePath?: string;
  ItemProcessor?: { ProcessorConfig: unknown; States: Record<string, AslState> };
  Parameters?: { FunctionName?: string };
}
interface AslMachine {
  States: Record<string, AslState>;
}
