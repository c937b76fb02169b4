import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { listTaskStates, localSubstitutions } from '../../local/stepfunctions/index.js';
import {
  DEFINITION_FILES,
  findPlaceholders,
  renderDefinition,
  SUBSTITUTION_NAMES,
} from '../../statemachines/substitutions.js';

interface AslValidation {
  isValid: boolean;
  errorsText: (separator?: string) => string;
}
// asl-validator is CommonJS without types: `module.exports = function validator(definition, opts)`.
const aslValidator: (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => AslValidation = createRequire(import.meta.url)('asl-validator');

// The training definitions; batch-predict.asl.json has its own checks (tests/statemachines/batch-asl.test.ts).
const files = Object.entries(DEFINITION_FILES).filter(([name]) => name !== 'batch');
const LAMBDA_TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Values shaped like what CDK substitutes on deploy. */
const deployedValues = Object.fromEntries(
  SUBSTITUTION_NAMES.map((name) => [
    name,
    name.endsWith('FunctionArn')
      ? `arn:aws:lambda:eu-west-1:123456789012:function:cirrus-${name.toLowerCase()}`
      : name === 'SageMakerRoleArn'
        ? 'arn:aws:iam::123456789012:role/cirrus-sagemaker'
        : '123456789012.dkr.ecr.eu-west-1.amazonaws.com/cirrus-trainer:abc123',
  ]),
);

describe.each(files)('statemachines/%s definition', (_name, file) => {
  const raw = readFileSync(file, 'utf8');

  it('passes asl-validator as written and once rendered', () => {
    for (const definition of [
      JSON.parse(raw),
      JSON.parse(renderDefinition(file, deployedValues)),
      JSON.parse(renderDefinition(file, localSubstitutions())),
    ]) {
      const result = aslValidator(definition, { checkPaths: true, checkArn: true });
      expect(result.errorsText('\n')).toBe('');
      expect(result.isValid).toBe(true);
    }
  });

  it('uses only placeholders from the exported substitution list', () => {
    const unknown = findPlaceholders(raw).filter(
      (p) => !(SUBSTITUTION_NAMES as readonly string[]).includes(p),
    );
    expect(unknown).toEqual([]);
    expect(findPlaceholders(raw).length).toBeGreaterThan(0);
  });

  it('is JSONPath only (aws-local-stepfunctions silently ignores JSONata)', () => {
    expect(raw).not.toMatch(/JSONata|"QueryLanguage"|\{%/);
  });

  it('gives every task a Catch on States.ALL and every Lambda task the transient-error Retry', () => {
    const definition = JSON.parse(raw);
    const states = new Map<string, Record<string, unknown>>();
    const collect = (machine: { States: Record<string, Record<string, unknown>> }) => {
      for (const [name, state] of Object.entries(machine.States)) {
        states.set(name, state);
        const inner = state.ItemProcessor as typeof machine | undefined;
        if (inner) collect(inner);
      }
    };
    collect(definition);
    const tasks = listTaskStates(definition);
    expect(tasks.length).toBeGreaterThanOrEqual(6);
    for (const task of tasks) {
      const state = states.get(task.name)!;
      const catchers = state.Catch as { ErrorEquals: string[] }[] | undefined;
      expect(
        catchers?.some((c) => c.ErrorEquals.includes('States.ALL')),
        `${task.name} Catch`,
      ).toBe(true);
      if (task.resource === 'arn:aws:states:::lambda:invoke') {
        const retried = (state.Retry as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
        expect(retried, `${task.name} Retry`).toEqual(expect.arrayContaining(LAMBDA_TRANSIENT));
      }
    }
  });
});

describe('substitutions', () => {
  it('every exported name is used by some definition', () => {
    const used = new Set(files.flatMap(([, file]) => findPlaceholders(readFileSync(file, 'utf8'))));
    expect(SUBSTITUTION_NAMES.filter((n) => !used.has(n))).toEqual([]);
  });

  it('renderDefinition refuses to leave a placeholder unreplaced, naming it', () => {
    const { TrainerImageUri: _, ...withoutImage } = deployedValues;
    expect(() => renderDefinition(DEFINITION_FILES.training, withoutImage)).toThrow(/\$\{TrainerImageUri\}/);
  });

  it('renderDefinition leaves no placeholder behind and keeps the JSON valid for awkward values', () => {
    const text = renderDefinition(DEFINITION_FILES.training, {
      ...deployedValues,
      TrainerImageUri: 'img"with\\quote',
    });
    expect(findPlaceholders(text)).toEqual([]);
    expect(JSON.stringify(JSON.parse(text))).toContain('img\\"with\\\\quote');
  });

  it('the validator itself rejects a broken definition (so the checks above can fail)', () => {
    const broken = JSON.parse(readFileSync(DEFINITION_FILES.training, 'utf8'));
    broken.States.Validate.Next = 'NoSuchState';
    expect(aslValidator(broken).isValid).toBe(false);
  });
});
