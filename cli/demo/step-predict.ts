import { seg } from '../client.js';
import { topProbabilities } from '../format/serving.js';
import { table } from '../output.js';
import type { PredictResponse } from '../types.js';
import type { DemoContext } from './context.js';
import { take } from './iris.js';

const BATCH = 30;

/** Step 3: single rows (`{"features": …}`) and a batch (`{"instances": […]}`) against the endpoint. */
export async function predict(ctx: DemoContext): Promise<void> {
  const { client, ui, names, rows } = ctx;
  ui.step(`Predict: single rows and a batch on endpoint ${names.endpoint}`);
  const path = `/v1/endpoints/${seg(names.endpoint)}/predict`;
  // One row of each class, so the table shows all three.
  const singles = ['0', '1', '2'].map((label) => rows.find((r) => r.actual === label)!).filter(Boolean);
  ui.line(
    `$ cirrus predict ${names.endpoint} --json '${JSON.stringify({ features: singles[0]!.features })}'`,
  );
  const answers: PredictResponse[] = [];
  for (const row of singles)
    answers.push(await client.post<PredictResponse>(path, { features: row.features }));
  ui.line(
    table(
      ['request', 'served by', 'features', 'predicted', 'probabilities', 'actual'],
      answers.map((a, i) => [
        a.requestId,
        `v${a.version} (${a.variant})`,
        Object.values(singles[i]!.features).join(', '),
        a.predictions[0]?.label,
        topProbabilities(a.predictions[0]?.probabilities, 2),
        singles[i]!.actual,
      ]),
    ),
  );

  const batch = take(rows, 0, BATCH);
  ui.line(
    `$ cirrus predict ${names.endpoint} --file rows.csv      # a batch of ${BATCH} rows in one request`,
  );
  const res = await client.post<PredictResponse>(path, { instances: batch.map((r) => r.features) });
  const correct = res.predictions.filter((p, i) => String(p.label) === batch[i]!.actual).length;
  ui.line(
    `batch answered by ${res.model} v${res.version}: ${res.predictions.length} predictions, ${correct}/${BATCH} match the ground truth (accuracy ${(correct / BATCH).toFixed(3)})`,
  );
  ctx.summary.predictions = {
    single: answers.length,
    batch: res.predictions.length,
    batchAccuracy: correct / BATCH,
    servedBy: [...new Set([...answers, res].map((a) => a.version))],
  };
}
