import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFINITION_FILES,
  type DefinitionName,
  findPlaceholders,
  renderDefinition,
  SUBSTITUTION_NAMES,
} from '../../statemachines/substitutions.js';
import { renderExpression } from './iam-walk.js';
import { type Synthesized, synthCirrus } from './synth.js';

describe('TrainingPipeline state machines', () => {
  let synth: Synthesized;
  const scratch = mkdtempSync(join(tmpdir(), 'cirrus-asl-'));
  beforeAll(() => {
    synth = synthCirrus();
  });
  afterAll(() => {
    synth?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  const machineFor = (name: DefinitionName) => {
    const machine = name === 'training' ? synth.stack.pipeline.training : synth.stack.pipeline.sweep;
    const id = synth.stack.resolve(machine.stateMachineArn).Ref;
    return synth.template.toJSON().Resources[id].Properties;
  };

  it.each(['training', 'sweep'] as const)(
    'deploys statemachines/%s ASL rendered with the stack substitutions',
    (name) => {
      const props = machineFor(name);
      const file = DEFINITION_FILES[name];
      // The deployed text is the file itself: byte for byte, placeholders included.
      expect(props.DefinitionString).toBe(readFileSync(file, 'utf8'));

      // Rendering the file with the template's substitution values (as text) gives the same
      // definition as rendering the deployed string: what runs on AWS is what tests execute.
      const values = Object.fromEntries(
        Object.entries<unknown>(props.DefinitionSubstitutions).map(([k, v]) => [k, renderExpression(v)]),
      );
      const deployedPath = join(scratch, `${name}.asl.json`);
      writeFileSync(deployedPath, props.DefinitionString);
      const rendered = JSON.parse(renderDefinition(file, values));
      expect(JSON.parse(renderDefinition(deployedPath, values))).toEqual(rendered);
      // Only CloudFormation pseudo parameters (resolved at deploy) may remain, never an ASL placeholder.
      expect(findPlaceholders(JSON.stringify(rendered)).filter((n) => !n.startsWith('AWS::'))).toEqual([]);
    },
  );

  it.each(['training', 'sweep'] as const)(
    'substitutes every placeholder of %s with the right resource',
    (name) => {
      const subs: Record<string, unknown> = machineFor(name).DefinitionSubstitutions;
      const placeholders = findPlaceholders(readFileSync(DEFINITION_FILES[name], 'utf8'));
      expect(Object.keys(subs)).toEqual(expect.arrayContaining(placeholders));
      expect(Object.keys(subs).sort()).toEqual([...SUBSTITUTION_NAMES].sort());
      const { pipeline } = synth.stack;
      expect(subs.SageMakerRoleArn).toEqual(synth.stack.resolve(pipeline.sageMakerRole.roleArn));
      expect(renderExpression(subs.TrainerImageUri)).toMatch(/container-assets.*:[0-9a-f]{64}$/);
      expect(subs.EvaluateFunctionArn).toEqual(
        synth.stack.resolve(pipeline.functions.functions.evaluate.functionArn),
      );
      expect(subs.StartAbTestFunctionArn).toEqual(
        synth.stack.resolve(pipeline.functions.functions.applyPolicy.functionArn),
      );
      expect(subs.MarkFailedFunctionArn).toEqual(
        synth.stack.resolve(pipeline.functions.functions.markRun.functionArn),
      );
    },
  );

  it('logs every execution event and traces with X-Ray', () => {
    for (const name of ['training', 'sweep'] as const) {
      const props = machineFor(name);
      expect(props.TracingConfiguration).toEqual({ Enabled: true });
      expect(props.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    }
  });

  it('builds the trainer image from training/Dockerfile for linux/amd64', () => {
    const manifest = JSON.parse(
      readFileSync(join(synth.outdir, `${synth.stack.artifactId}.assets.json`), 'utf8'),
    );
    const docker = Object.values<{ source: { directory: string; dockerFile: string; platform: string } }>(
      manifest.dockerImages,
    );
    expect(docker.map((d) => [d.source.dockerFile, d.source.platform])).toEqual([
      ['training/Dockerfile', 'linux/amd64'],
    ]);
  });
});
