import { ApiError, seg } from '../client.js';
import { abStatusTable } from '../format/serving.js';
import type { AbTestStatus, ApiModel, PredictResponse } from '../types.js';
import { type DemoContext, DemoError } from './context.js';
import { take } from './iris.js';

/** A small plan so the demo takes seconds: 30 to 150 labelled samples per arm. */
export const AB_PLAN = {
  metric: 'accuracy',
  split: 50,
  minSamples: 30,
  maxSamples: 150,
  alpha: 0.05,
} as const;
const ROWS_PER_REQUEST = 10;

async function start(ctx: DemoContext, challenger: number): Promise<AbTestStatus> {
  const path = `/v1/endpoints/${seg(ctx.names.endpoint)}/ab-tests`;
  try {
    return await ctx.client.post<AbTestStatus>(path, { ...AB_PLAN, challengerVersion: challenger });
  } catch (error) {
    // A test left running by an earlier demo on this platform: stop it, start ours.
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    await ctx.client.delete(`${path}/current`);
    return ctx.client.post<AbTestStatus>(path, { ...AB_PLAN, challengerVersion: challenger });
  }
}

/**
 * Step 4: an A/B test between the champion and the other trained version. Traffic is split
 * 50/50, every answer gets its ground truth back, and the test (an always-valid sequential
 * test) decides: promote the challenger, keep the champion, or no difference at the plan's end.
 */
export async function abTest(ctx: DemoContext): Promise<void> {
  const { client, ui, names, rows, summary } = ctx;
  const champion = summary.champion?.version;
  const challenger = summary.training?.map((t) => t.version).find((v) => v !== undefined && v !== champion);
  if (champion === undefined || challenger === undefined)
    throw new DemoError('the A/B test needs a champion and another version');
  ui.step(`A/B test: champion v${champion} against challenger v${challenger}, decided on ground truth`);
  ui.line(
    `$ cirrus ab start ${names.endpoint} --challenger ${challenger} --split ${AB_PLAN.split} --min-samples ${AB_PLAN.minSamples} --max-samples ${AB_PLAN.maxSamples}`,
  );
  let status = await start(ctx, challenger);
  ui.line(
    `test ${status.testId}: each prediction goes to one arm; \`cirrus feedback <requestId> <label>\` sends the truth back`,
  );

  const bar = ui.progress(2 * AB_PLAN.maxSamples, 'labelled samples');
  const maxRequests = Math.ceil((4 * AB_PLAN.maxSamples) / ROWS_PER_REQUEST) + 20;
  for (
    let i = 0, offset = 40;
    i < maxRequests && status.state === 'running';
    i++, offset += ROWS_PER_REQUEST
  ) {
    const batch = take(rows, offset, ROWS_PER_REQUEST);
    const res = await client.post<PredictResponse>(`/v1/endpoints/${seg(names.endpoint)}/predict`, {
      instances: batch.map((r) => r.features),
    });
    await client.put(`/v1/predictions/${seg(res.requestId)}/feedback`, {
      actual: batch.map((r) => r.actual),
    });
    status = await client.get<AbTestStatus>(`/v1/endpoints/${seg(names.endpoint)}/ab-tests/current`);
    bar.increment(ROWS_PER_REQUEST, `${res.variant} v${res.version}`);
  }
  bar.stop(status.decision);
  ui.line(abStatusTable(status));

  const model = await client.get<ApiModel>(`/v1/models/${seg(names.experiment)}`);
  const after = model.aliases?.find((a) => a.alias === 'champion')?.version;
  ui.line(outcomeLine(status, after));
  summary.abTest = {
    testId: status.testId,
    champion: status.champion.version,
    challenger: status.challenger.version,
    decision: status.decision,
    state: status.state,
    labelled: { champion: status.champion.n, challenger: status.challenger.n },
    metric: { champion: status.champion.metric, challenger: status.challenger.metric },
    pValue: status.pValue,
    championAfter: after,
  };
  if (after !== undefined) summary.champion = { ...summary.champion, version: after };
}

function outcomeLine(s: AbTestStatus, after: number | undefined): string {
  switch (s.decision) {
    case 'promote_challenger':
      return `winner: challenger v${s.challenger.version} — promoted, champion is now v${after}`;
    case 'keep_champion':
      return `winner: champion v${s.champion.version} — significantly better, it stays champion (v${after})`;
    case 'no_difference':
      return `no significant difference after the planned ${s.maxSamples} samples per arm: champion v${after} stays`;
    default:
      return `the test is still ${s.state} (${s.reason}); champion v${after}`;
  }
}
