import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFINITION_FILES,
  type DefinitionName,
  findPlaceholders,
  renderDefinition,
  SUBSTITUTION_NAMES,
} from '../../statemachines/substitutions.js';
import { TRAINER_IMAGE_CONTEXT } from '../../infra/constructs/training-pipeline.js';
import { renderExpression } from './iam-walk.js';
import type { Synthesized } from './synth.js';

/** Registers the TrainingPipeline state machines checks on a synthesized default stack. */
export function stateMachineChecks(synth: Synthesized): void {
  describe('TrainingPipeline state machines', () => {
    const machineFor = (name: DefinitionName) => {
      const machine = name === 'training' ? synth.stack.pipeline.training : synth.stack.pipeline.sweep;
      const id = synth.stack.resolve(machine.stateMachineArn).Ref;
      return synth.template.toJSON().Resources[id].Properties;
    };

    it.each(['training', 'sweep'] as const)(
      'deploys statemachines/%s ASL as a file asset, rendered with the stack substitutions',
      (name) => {
        const props = machineFor(name);
        const file = DEFINITION_FILES[name];
        expect(props.DefinitionString).toBeUndefined();
        const key = String(props.DefinitionS3Location?.Key);
        expect(key).toMatch(/^[0-9a-f]{64}\.json$/);
        // The uploaded object is the file itself: byte for byte, placeholders included.
        const staged = join(synth.outdir, `asset.${key}`);
        expect(readFileSync(staged, 'utf8')).toBe(readFileSync(file, 'utf8'));

        // Rendered with the template's substitution values (as text), as Step Functions does at
        // deploy, the definition is complete JSON: what runs on AWS is what the local tests execute.
        const values = Object.fromEntries(
          Object.entries<unknown>(props.DefinitionSubstitutions).map(([k, v]) => [k, renderExpression(v)]),
        );
        const rendered: unknown = JSON.parse(renderDefinition(staged, values));
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
        expect(subs.PickBestFunctionArn).toEqual(
          synth.stack.resolve(pipeline.functions.functions.applyPolicy.functionArn),
        );
        expect(subs.MarkFailedFunctionArn).toEqual(
          synth.stack.resolve(pipeline.functions.functions.markRun.functionArn),
        );
      },
    );

    it('logs errors without execution data under /aws/vendedlogs/, and traces with X-Ray', () => {
      for (const machine of [
        synth.stack.pipeline.training,
        synth.stack.pipeline.sweep,
        synth.stack.batch.stateMachine,
      ]) {
        const props =
          synth.template.toJSON().Resources[synth.stack.resolve(machine.stateMachineArn).Ref].Properties;
        expect(props.TracingConfiguration).toEqual({ Enabled: true });
        expect(props.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
      }
      const groups = Object.values(synth.template.findResources('AWS::Logs::LogGroup'))
        .map((g) => g.Properties?.LogGroupName)
        .filter((n): n is string => typeof n === 'string' && n.includes('states'));
      expect(groups.sort()).toEqual([
        '/aws/vendedlogs/states/cirrus-batch-predict',
        '/aws/vendedlogs/states/cirrus-training',
        '/aws/vendedlogs/states/cirrus-training-sweep',
      ]);
    });

    it('builds the trainer image from training/Dockerfile for linux/amd64, with only what it copies', () => {
      const manifest = JSON.parse(
        readFileSync(join(synth.outdir, `${synth.stack.artifactId}.assets.json`), 'utf8'),
      );
      const docker = Object.values<{ source: { directory: string; dockerFile: string; platform: string } }>(
        manifest.dockerImages,
      );
      expect(docker.map((d) => [d.source.dockerFile, d.source.platform])).toEqual([
        ['training/Dockerfile', 'linux/amd64'],
      ]);
      // The staged build context holds every COPY source of the Dockerfile and nothing else.
      const context = join(synth.outdir, docker[0]?.source.directory ?? '');
      const dockerfile = readFileSync(join(context, 'training/Dockerfile'), 'utf8');
      const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+?)\s+\S+$/gm)].flatMap((m) =>
        (m[1] ?? '').split(/\s+/),
      );
      expect(readdirSync(context).sort()).toEqual([...TRAINER_IMAGE_CONTEXT].sort());
      expect(copied.length).toBeGreaterThan(0);
      for (const source of copied) expect(existsSync(join(context, source)), source).toBe(true);
    });
  });
}
