import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUrl } from '../../cli/commands/local.js';
import type { AbTestStatus, ApiRun, DriftReportView, ModelVersion } from '../../cli/types.js';
import { runCli } from '../cli/run-cli.js';
import { type ConsoleHarness, axeViolations, openConsole, settled, startConsoleHarness } from './harness.js';

// The web console in Debian's Chromium (playwright-core) against one local platform filled by
// the demo's steps. Values on screen are checked against what the API returns.
let h: ConsoleHarness;
let page: Page;

beforeAll(async () => {
  h = await startConsoleHarness();
  page = await h.page();
}, 300_000);
afterAll(async () => {
  await h?.openGate();
  await h?.stop();
});

const four = (v: number) => v.toFixed(4);
const runsOf = async () => (await h.api.get<{ runs: ApiRun[] }>('/v1/experiments/iris/runs')).runs;
const texts = (selector: string) => page.locator(selector).allInnerTexts();

describe('logging in', () => {
  it('asks for the token, says when the API refuses one, and opens with the right one', async () => {
    const fresh = await h.page();
    await fresh.goto(`${h.platform.url}/`);
    await fresh.getByLabel('API token').fill('not-the-token');
    await fresh.keyboard.press('Enter');
    await fresh.getByRole('alert').filter({ hasText: 'The API refused that token.' }).waitFor();
    await fresh.getByLabel('API token').fill(h.platform.token);
    await fresh.keyboard.press('Enter');
    await fresh.getByRole('heading', { name: 'Overview' }).waitFor();
    await fresh.close();
  });

  it('takes the token the CLI prints in the URL once and drops it from the address bar', async () => {
    const fresh = await h.page();
    await fresh.goto(consoleUrl(h.platform.url, h.platform.token));
    await fresh.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(fresh.url()).toBe(`${h.platform.url}/#/`);
    expect(fresh.url()).not.toContain(h.platform.token);
    await fresh.close();
  });
});

describe('each page shows the demo platform', () => {
  it('the accessibility check finds a critical violation where there is one', async () => {
    const probe = await h.page();
    await probe.setContent(
      '<html lang="en"><head><title>probe</title></head><body><main><img src="data:,"><button></button></main></body></html>',
    );
    expect((await axeViolations(probe)).map((v) => v.id).sort()).toEqual(['button-name', 'image-alt']);
    await probe.close();
  });

  it('overview: the endpoint split, errors per minute, the A/B decision, the drift verdict, the runs', async () => {
    // A request that fails on its variant (a feature is not a number): an error in the prediction log.
    await expect(
      h.api.post('/v1/endpoints/iris/predict', {
        features: {
          'sepal length (cm)': 'long',
          'sepal width (cm)': 2.8,
          'petal length (cm)': 4.7,
          'petal width (cm)': 1.2,
        },
      }),
    ).rejects.toMatchObject({ status: 400 });
    await openConsole(page, h.platform);
    const activity = await h.api.get<{
      variants: { variant: string; shadow: boolean; errors: number }[];
      perMinute: { variant: string; errors: number }[];
    }>('/v1/endpoints/iris/predictions');
    const served = activity.variants.filter((v) => !v.shadow);
    expect(served.reduce((a, v) => a + v.errors, 0)).toBe(1);
    expect(await texts('section[aria-label="Endpoints"] td[data-col="errors"]')).toEqual([
      served.map((v) => `${v.variant} ${v.errors}`).join(' · '),
    ]);
    const failed = served.find((v) => v.errors === 1)!.variant;
    expect(
      await page
        .locator('section[aria-label="iris: errors per minute (last hour)"] figcaption')
        .textContent(),
    ).toContain(`${failed} 1 in total`);
    const endpoint = await h.api.get<{
      serving: { traffic: { variants: { name: string; version: number; weight: number }[] } };
    }>('/v1/endpoints/iris');
    const split = endpoint.serving.traffic.variants
      .map((v) => `${v.name} v${v.version} ${v.weight}%`)
      .join(' · ');
    expect(await texts('section[aria-label="Endpoints"] td[data-col="traffic"]')).toEqual([split]);
    const ab = await h.api.get<AbTestStatus>('/v1/endpoints/iris/ab-tests/current');
    expect(await page.locator('section[aria-label="A/B tests"] li').innerText()).toBe(
      `iris: completed — ${ab.decision!.replace(/_/g, ' ')}`,
    );
    const [latest] = (
      await h.api.get<{ reports: { driftDetected: boolean; driftedFeatures: number; features: number }[] }>(
        '/v1/endpoints/iris/drift?limit=1',
      )
    ).reports;
    expect(latest.driftDetected).toBe(true); // the demo drifts two features on purpose
    expect(await page.locator('section[aria-label="Latest drift"] li').innerText()).toMatch(
      new RegExp(`^iris: drift detected \\(${latest.driftedFeatures}/${latest.features} features`),
    );
    const runs = await runsOf();
    expect(
      await texts('section[aria-label="Running and recent training runs"] td[data-col="score"]'),
    ).toEqual(runs.map((r) => four(r.score!)));
    expect(await axeViolations(page)).toEqual([]);
  });

  it('runs: every run with its score, sortable by score, filterable by algorithm', async () => {
    await openConsole(page, h.platform, '#/runs');
    const runs = await runsOf();
    expect(await texts('td[data-col="score"]')).toEqual(runs.map((r) => four(r.score!)));
    await page.getByRole('button', { name: 'score' }).click();
    const ascending = runs
      .map((r) => r.score!)
      .sort((a, b) => a - b)
      .map(four);
    expect(await texts('td[data-col="score"]')).toEqual(ascending);
    await page.getByLabel('Filter').fill('logistic');
    expect(await texts('td[data-col="algorithm"]')).toEqual(['logistic_regression']);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('run detail: the pipeline graph by state, metrics, confusion matrix and lineage', async () => {
    const run = (await runsOf()).find((r) => r.algorithm === 'logistic_regression')!;
    await openConsole(page, h.platform, `#/runs/${run.id}`);
    for (const state of [
      'Validate',
      'Prepare',
      'Train',
      'Evaluate',
      'Register',
      'DeployPolicy',
      'ApplyPolicy',
      'MarkSucceeded',
    ])
      expect(await page.locator(`.graph [data-state="${state}"]`).getAttribute('data-status')).toBe(
        'succeeded',
      );
    for (const state of ['StartAbTest', 'MarkFailed', 'Failed'])
      expect(await page.locator(`.graph [data-state="${state}"]`).getAttribute('data-status')).toBe(
        'not run',
      );
    expect((await page.locator('.graph [data-state="Train"] .node-meta').textContent())?.trim()).toMatch(
      /^succeeded · [\d.]+ (ms|s)$/,
    );
    const matrix = (run.metrics as { confusionMatrix: number[][] }).confusionMatrix;
    expect(await texts('table.confusion tbody td')).toEqual(matrix.flat().map(String));
    expect(await page.locator('section[aria-label="Lineage"]').innerText()).toContain(
      run.dataset.version.slice(0, 16),
    );
    expect(await axeViolations(page)).toEqual([]);
  });

  it('models: versions with scores, the champion, the alias history', async () => {
    await openConsole(page, h.platform, '#/models/iris');
    const { versions } = await h.api.get<{ versions: ModelVersion[] }>('/v1/models/iris/versions');
    expect(await texts('section[aria-label="Versions"] td[data-col="score"]')).toEqual(
      [...versions].sort((a, b) => b.version - a.version).map((v) => four(v.metrics.score as number)),
    );
    const history = await texts('section[aria-label="Alias history"] li');
    expect(history.at(-1)).toMatch(/champion – → v1 by pipeline \(best_score\): first champion: v1/);
    await page.getByRole('button', { name: 'Card' }).first().click();
    await page.getByRole('heading', { name: /^Model card v/ }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('endpoints, A/B tests, drift and datasets pages show their records', async () => {
    await openConsole(page, h.platform, '#/endpoints/iris');
    expect(await axeViolations(page)).toEqual([]);

    const ab = await h.api.get<AbTestStatus & { reason: string }>('/v1/endpoints/iris/ab-tests/current');
    await openConsole(page, h.platform, '#/ab-tests');
    expect(await page.locator('.decision').first().innerText()).toBe(ab.decision!.replace(/_/g, ' '));
    expect(await page.locator('section[aria-label="Decision"]').innerText()).toContain(ab.reason);
    expect(await texts('td[data-col="n"]')).toEqual([String(ab.champion.n), String(ab.challenger.n)]);
    // Each arm's metric and the always-valid band over samples: the evaluator's looks, the last
    // of them the decision's interval.
    const { looks } = await h.api.get<{
      looks: { championN: number; challengerN: number; interval: [number, number]; pValue: number }[];
    }>('/v1/endpoints/iris/ab-tests/current/looks');
    expect(looks.length).toBeGreaterThan(1);
    const last = looks.at(-1)!;
    expect(last.interval).toEqual(ab.confidenceInterval);
    const band = `[${four(last.interval[0])}, ${four(last.interval[1])}]`;
    const evidence = page.locator('section[aria-label="Evidence over samples"]');
    const captions = await evidence.locator('figcaption').allTextContents();
    expect(captions[0]).toContain(
      `over ${looks.length} looks; at ${last.championN + last.challengerN} samples`,
    );
    expect(captions[1]).toContain(`band ${band}, always-valid p ${four(last.pValue)}`);
    expect(await evidence.locator('canvas').count()).toBe(2);
    await evidence.getByText(`The ${looks.length} looks`).click();
    const rows = await evidence.locator('table.looks tbody tr').allInnerTexts();
    expect(rows).toHaveLength(looks.length);
    expect(rows.at(-1)).toContain(band);
    expect(await axeViolations(page)).toEqual([]);

    await openConsole(page, h.platform, '#/drift');
    const { reports } = await h.api.get<{ reports: { reportId: string }[] }>('/v1/endpoints/iris/drift');
    expect(await texts('td[data-col="reportId"]')).toEqual(reports.map((r) => r.reportId));
    expect(await axeViolations(page)).toEqual([]);

    await openConsole(page, h.platform, '#/datasets/iris');
    expect(await page.locator('section[aria-label="Latest version"]').innerText()).toMatch(/rows\s+150/);
    expect(await texts('section[aria-label="Schema"] td[data-col="name"]')).toEqual([
      'sepal length (cm)',
      'sepal width (cm)',
      'petal length (cm)',
      'petal width (cm)',
      'target',
    ]);
    // The preview: the first rows of the CSV as the file on disk holds them.
    const csv = readFileSync(new URL('../../datasets/iris.csv', import.meta.url), 'utf8').split('\n');
    const preview = page.locator('section[aria-label="Preview"] table.preview');
    expect(await preview.locator('caption').innerText()).toMatch(/^First 20 of 150 rows of version /);
    const cells = await preview
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(cells).toEqual(csv.slice(1, 21).map((line) => line.split(',')));
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('endpoint traffic from the prediction log', () => {
  it("shows a new prediction with its ground truth, and each variant's volume as the API counts it", async () => {
    const answer = await h.api.post<{ requestId: string; predictions: { label: string }[] }>(
      '/v1/endpoints/iris/predict',
      {
        features: {
          'sepal length (cm)': 6.1,
          'sepal width (cm)': 2.8,
          'petal length (cm)': 4.7,
          'petal width (cm)': 1.2,
        },
      },
    );
    await h.api.put(`/v1/predictions/${answer.requestId}/feedback`, { actual: '1' });
    await openConsole(page, h.platform, '#/endpoints/iris');
    const row = page.locator('section[aria-label="Recent predictions"] tbody tr').first();
    expect(await row.locator('td[data-col="requestId"]').innerText()).toBe(answer.requestId);
    expect(await row.locator('td[data-col="prediction"]').innerText()).toBe(
      String(answer.predictions[0].label),
    );
    expect(await row.locator('td[data-col="actual"]').innerText()).toBe('1');
    const activity = await h.api.get<{ variants: { variant: string; requests: number; rows: number }[] }>(
      '/v1/endpoints/iris/predictions',
    );
    expect(
      await texts('section[aria-label="Latency and volume per variant"] td[data-col="requests"]'),
    ).toEqual(activity.variants.map((v) => String(v.requests)));
    // The demo's traffic, in rows: a batch of 30, the A/B samples, then 150 drifted rows.
    expect(activity.variants.reduce((a, v) => a + v.rows, 0)).toBeGreaterThan(180);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the activity route names a bad query field, and 404s an unknown endpoint', async () => {
    await expect(h.api.get('/v1/endpoints/iris/predictions?minutes=0')).rejects.toMatchObject({
      status: 400,
      field: 'minutes',
    });
    await expect(h.api.get('/v1/endpoints/nope/predictions')).rejects.toMatchObject({ status: 404 });
  });
});

describe('clicking through', () => {
  it('compares two runs side by side, differences marked (by keyboard)', async () => {
    await openConsole(page, h.platform, '#/runs');
    const runs = await runsOf();
    const lr = runs.find((r) => r.algorithm === 'logistic_regression')!;
    const svc = runs.find((r) => r.algorithm === 'svc')!;
    for (const run of [lr, svc]) {
      await page.getByLabel(`select run ${run.id}`).focus();
      await page.keyboard.press('Space');
    }
    await page.getByRole('link', { name: 'Compare 2 selected' }).focus();
    await page.keyboard.press('Enter');
    await settled(page);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Compare 2 runs');
    const algorithm = page.locator('tr[data-key="algorithm"]');
    expect(await algorithm.getAttribute('class')).toBe('differs');
    expect(await algorithm.locator('td').allInnerTexts()).toEqual(['logistic_regression', 'svc', '≠']);
    expect(await page.locator('tr[data-key="target"]').getAttribute('class')).toBe('');
    const accuracy = (r: ApiRun) => four((r.metrics as { accuracy: number }).accuracy);
    expect(await page.locator('tr[data-key="accuracy"] td').allInnerTexts()).toEqual([
      accuracy(lr),
      accuracy(svc),
      '≠',
    ]);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('changes a traffic split after a confirmation, and `cirrus traffic show` sees it', async () => {
    await openConsole(page, h.platform, '#/endpoints/iris');
    await page.getByLabel('weight of v1').fill('20');
    await page.getByLabel('weight of v2').fill('80');
    await page.getByLabel('weight of v3').fill('0');
    await page.getByRole('button', { name: 'Save split' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('New split: v1 20%, v2 80%');
    await dialog.getByRole('button', { name: 'Confirm' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page
      .locator('section[aria-label="Serving"]')
      .getByText(/v1 20% · .* v2 80%/)
      .waitFor();

    const shown = await runCli(['--json', 'traffic', 'show', 'iris'], {
      CIRRUS_URL: h.platform.url,
      CIRRUS_TOKEN: h.platform.token,
    });
    expect(shown.code).toBe(0);
    const traffic = JSON.parse(shown.stdout) as {
      traffic: { variants: { version: number; weight: number }[] };
    };
    expect(traffic.traffic.variants.map((v) => [v.version, v.weight])).toEqual([
      [1, 20],
      [2, 80],
    ]);
  });

  it('opens a drift report from the list: each feature with its test, statistic and PSI', async () => {
    await openConsole(page, h.platform, '#/drift');
    const { reports } = await h.api.get<{ reports: { reportId: string }[] }>('/v1/endpoints/iris/drift');
    await page.getByRole('link', { name: reports[0].reportId }).click();
    await settled(page);
    const report = await h.api.get<DriftReportView>(`/v1/endpoints/iris/drift/${reports[0].reportId}`);
    for (const f of report.features) {
      const cells = await page.locator(`tr[data-feature="${f.name}"] td`).allInnerTexts();
      expect(cells[0]).toBe(f.test);
      expect(cells[1]).toBe(four(f.statistic));
      expect(cells[3]).toBe(four(f.psi!));
      expect(cells.at(-1)).toBe(f.drifted ? 'yes' : 'no');
      // Its distributions overlaid: each bin's share of the baseline and of the window.
      const card = page.locator(`section[aria-label="Distribution: ${f.name}"]`);
      expect(await card.locator('.feature-verdict').innerText()).toBe(
        `${f.test} ${four(f.statistic)}${f.pValue === null ? '' : `, p ${four(f.pValue)}`} · PSI ${four(f.psi!)} · ${f.drifted ? 'drifted' : 'no drift'}`,
      );
      const d = f.distribution!;
      const share = (counts: number[], i: number) =>
        `${((counts[i] / counts.reduce((a, b) => a + b, 0)) * 100).toFixed(1)}%`;
      const bins = await card
        .locator('table tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(bins).toEqual(d.reference.map((_c, i) => [share(d.reference, i), share(d.current, i)]));
      expect(await card.locator('svg rect.ref').count()).toBe(d.reference.length);
    }
    // The demo shifts petal length by +2.5: more of the window lies above the baseline's top decile.
    const petal = report.features.find((f) => f.name === 'petal length (cm)')!.distribution!;
    const sum = (c: number[]) => c.reduce((a, b) => a + b, 0);
    expect(petal.kind).toBe('histogram');
    expect(petal.current.at(-1)! / sum(petal.current)).toBeGreaterThan(
      petal.reference.at(-1)! / sum(petal.reference),
    );
    const retrain = (await runsOf()).find((r) => r.triggeredBy === report.reportUri)!;
    expect(await page.locator('section[aria-label="Performance and retraining"]').innerText()).toContain(
      retrain.id.slice(-4),
    );
    expect(await axeViolations(page)).toEqual([]);
  });

  it('follows a running sweep from the overview to its graph, which updates until it ends', async () => {
    await h.closeGate();
    const submitted = await h.api.post<{ runIds: string[] }>('/v1/experiments/iris/runs', {
      task: 'classification',
      algorithm: ['logistic_regression', 'decision_tree'],
      dataset: { name: 'iris' },
      target: 'target',
      policy: 'manual',
    });
    const runId = submitted.runIds[0];
    await openConsole(page, h.platform);
    const row = page.locator('section[aria-label="Running and recent training runs"] tr', {
      has: page.locator(`a[title="${runId}"]`),
    });
    await row
      .locator('td[data-col="status"]')
      .getByText(/^(QUEUED|RUNNING)$/)
      .waitFor();
    await row.locator(`a[title="${runId}"]`).click();
    await page.locator('.graph [data-state="Variants"][data-status="running"]').waitFor();
    // Each branch's own graph: held at the gate, its training job is running.
    await page
      .locator('[data-branch="0"] .graph [data-state="TrainVariant"][data-status="running"]')
      .waitFor();
    expect(await page.getByText('Live: updates every second while the run is going.').count()).toBe(1);
    await h.openGate();
    // No reload: the page polls while the execution runs.
    await page
      .locator('.graph [data-state="Succeeded"][data-status="succeeded"]')
      .waitFor({ timeout: 120_000 });
    expect(await page.locator('.graph [data-state="PickBest"]').getAttribute('data-status')).toBe(
      'succeeded',
    );
    expect(await texts('table.branches td[data-col="algorithm"]')).toEqual([
      'logistic_regression',
      'decision_tree',
    ]);
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('promote and roll back from the models page', () => {
  it('moves the champion only after a confirmation, and rolls it back', async () => {
    const before = (
      await h.api.get<{ aliases: { alias: string; version: number }[] }>('/v1/models/iris')
    ).aliases.find((a) => a.alias === 'champion')!.version;
    const target = before === 1 ? 2 : 1;
    await openConsole(page, h.platform, '#/models/iris');
    await page.getByRole('button', { name: `Promote v${target}` }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    const champion = async () =>
      (await h.api.get<{ aliases: { alias: string; version: number }[] }>('/v1/models/iris')).aliases.find(
        (a) => a.alias === 'champion',
      )!.version;
    expect(await champion()).toBe(before); // cancelled: nothing moved

    await page.getByRole('button', { name: `Promote v${target}` }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page
      .locator('section[aria-label="Alias history"] li')
      .first()
      .getByText(`console: promote v${target}`)
      .waitFor();
    expect(await champion()).toBe(target);

    await page.getByRole('button', { name: 'Roll back champion' }).click();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page
      .locator('section[aria-label="Alias history"] li')
      .first()
      .getByText('console: rollback')
      .waitFor();
    expect(await champion()).toBe(before);
  });
});
