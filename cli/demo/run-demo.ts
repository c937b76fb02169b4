import type { DemoPlatform } from './platform.js';
import type { DemoContext, DemoSummary } from './context.js';
import { irisRows } from './iris.js';
import { abTest } from './step-ab-test.js';
import { curlHowTo } from './step-curl.js';
import { loadData } from './step-data.js';
import { drift } from './step-drift.js';
import { history } from './step-history.js';
import { predict } from './step-predict.js';
import { trainModels } from './step-train.js';
import { DemoUi } from './ui.js';

export const DEMO_NAMES = { dataset: 'iris', experiment: 'iris', endpoint: 'iris' } as const;

/** The steps in order; each reads and extends the context's summary. */
const STEPS = [loadData, trainModels, predict, abTest, drift, history] as const;

/**
 * The whole lifecycle against a running Cirrus: data → train two models → predict → A/B test
 * → drift and retraining → history, then how to call the API. Returns every step's outcome.
 */
export async function runDemo(
  platform: DemoPlatform,
  options: { keep?: boolean } = {},
): Promise<DemoSummary> {
  const ui = new DemoUi(STEPS.length + 1);
  const ctx: DemoContext = {
    client: platform.client,
    ui,
    names: DEMO_NAMES,
    rows: await irisRows(),
    summary: { platform: { url: platform.url, dataDir: platform.dataDir, embedded: platform.embedded } },
  };
  ui.line(
    `Cirrus demo against ${platform.url}${platform.embedded ? ` (embedded platform, data in ${platform.dataDir})` : ''}`,
  );
  for (const step of STEPS) await step(ctx);
  const restart =
    platform.embedded && !options.keep ? `cirrus local up --data-dir ${platform.dataDir}` : undefined;
  curlHowTo(ctx, { url: restart ? 'http://127.0.0.1:8787' : platform.url, startCommand: restart });
  return ctx.summary;
}
