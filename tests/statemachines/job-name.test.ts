import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { MAX_RUN_ID_LENGTH } from '../../core/tracking/run-id.js';
import { DEFINITION_FILES } from '../../statemachines/substitutions.js';

// The Train state's job name, evaluated by the interpreter from the very expression each ASL
// file holds, with the longest run id allowed (MAX_RUN_ID_LENGTH; submissions allocate 28-32).
const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const files = Object.entries(DEFINITION_FILES).filter(([name]) => name !== 'batch');

/** The `TrainingJobName.$` of every createTrainingJob task in a definition (nested ones too). */
function nameExpressions(node: unknown): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const own = node as { Resource?: unknown; Parameters?: Record<string, unknown> };
  const here =
    typeof own.Resource === 'string' && own.Resource.includes('createTrainingJob')
      ? [String(own.Parameters?.['TrainingJobName.$'])]
      : [];
  return [...here, ...Object.values(node).flatMap(nameExpressions)];
}

async function evaluate(expression: string, runId: string): Promise<string> {
  const machine = new StateMachine({
    StartAt: 'Name',
    States: { Name: { Type: 'Pass', Parameters: { 'name.$': expression }, End: true } },
  });
  const out = (await machine.run({ run: { Payload: { runId } } }).result) as { name: string };
  return out.name;
}

describe.each(files)('%s: the training job name', (_name, file) => {
  const expressions = nameExpressions(JSON.parse(readFileSync(file, 'utf8')));
  const expression = expressions[0] ?? '';

  it('has one training task', () => expect(expressions).toHaveLength(1));

  it('is a valid SageMaker name of at most 63 characters for the longest run id', async () => {
    const name = await evaluate(expression, `r${'-0'.repeat((MAX_RUN_ID_LENGTH - 1) / 2)}`);
    expect(name.length).toBe(63);
    expect(name).toMatch(SAGEMAKER_NAME);
  });

  it('is new on every evaluation, so a retried attempt never reuses a created job name', async () => {
    const names = await Promise.all([1, 2, 3].map(() => evaluate(expression, 'run-1')));
    expect(new Set(names).size).toBe(3);
    for (const n of names) expect(n).toMatch(/^cirrus-run-1-[0-9a-f]{8}$/);
  });
});
