import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { localSubstitutions } from '../../local/stepfunctions/index.js';
import {
  BATCH_SUBSTITUTION_NAMES,
  DEFINITION_FILES,
  findPlaceholders,
  renderDefinition,
} from '../../statemachines/substitutions.js';

const aslValidator: (
  d: unknown,
  o?: { checkPaths: boolean; checkArn: boolean },
) => {
  isValid: boolean;
  errorsText: (s?: string) => string;
} = createRequire(import.meta.url)('asl-validator');

const raw = readFileSync(DEFINITION_FILES.batch, 'utf8');
type State = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('statemachines/batch-predict.asl.json', () => {
  it('passes asl-validator rendered with local values, and uses only the batch placeholders', () => {
    const rendered = JSON.parse(renderDefinition(DEFINITION_FILES.batch, localSubstitutions()));
    const result = aslValidator(rendered, { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    expect(findPlaceholders(raw).sort()).toEqual([...BATCH_SUBSTITUTION_NAMES].sort());
  });

  it('is a Distributed Map per input type reading a prefix, batching, writing results, tolerating failures', () => {
    const states = JSON.parse(raw).States as Record<string, State>;
    for (const [name, type] of [
      ['ScoreCsv', 'CSV'],
      ['ScoreJsonLines', 'JSONL'],
    ]) {
      const map = states[name];
      expect(map.Type).toBe('Map');
      expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
      expect(map.ItemReader.Resource).toBe('arn:aws:states:::s3:listObjectsV2');
      expect(map.ItemReader.ReaderConfig).toMatchObject({
        InputType: type,
        Transformation: 'LOAD_AND_FLATTEN',
      });
      expect(map.ItemBatcher).toMatchObject({
        MaxItemsPerBatchPath: '$.batch.maxItems',
        MaxInputBytesPerBatchPath: '$.batch.maxBytes',
      });
      expect(map.MaxConcurrencyPath).toBe('$.maxConcurrency');
      expect(map.ToleratedFailurePercentagePath).toBe('$.toleratedFailurePercentage');
      expect(map.ResultWriter.Resource).toBe('arn:aws:states:::s3:putObject');
      const child = Object.values(map.ItemProcessor.States as Record<string, State>)[0];
      expect(child.Retry[0].ErrorEquals).toContain('Lambda.TooManyRequestsException');
      expect(map.Catch[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'MarkFailed' });
    }
  });
});
