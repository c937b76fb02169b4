import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { type CirrusClient, seg } from '../client.js';
import { clientFor } from '../context.js';
import { metricsTable } from '../format/runs.js';
import { emit, kv, say } from '../output.js';
import type { ModelVersion } from '../types.js';

/** Files above this go through presigned S3 uploads (API Gateway takes 10 MB; base64 adds a third). */
const INLINE_MAX_BYTES = 3 * 1024 * 1024;

interface ImportOpts {
  file: string;
  task?: string;
  classes?: string;
  features?: string;
  scores?: string;
  reference?: string;
  target?: string;
  policy?: string;
  description?: string;
  upload?: boolean;
}

interface ImportAnswer {
  version: ModelVersion;
  deployment: { policy: string; promoted: boolean; reason: string; champion: number | null };
}

const list = (raw: string | undefined) => raw?.split(',').map((s) => s.trim());

/** PUTs the files to presigned S3 URLs; returns the keys to name in the import request. */
async function upload(client: CirrusClient, model: string, onnx: Buffer, reference?: Buffer) {
  const targets = await client.post<{
    onnx: { key: string; url: string };
    reference: { key: string; url: string };
  }>(`/v1/models/${seg(model)}/import/uploads`, {});
  const put = async (url: string, body: Buffer) => {
    const res = await fetch(url, { method: 'PUT', body });
    if (!res.ok) throw new Error(`upload failed: HTTP ${res.status} ${await res.text()}`);
  };
  await put(targets.onnx.url, onnx);
  if (reference) await put(targets.reference.url, reference);
  return { onnxKey: targets.onnx.key, ...(reference ? { referenceKey: targets.reference.key } : {}) };
}

function report(answer: ImportAnswer): void {
  const v = answer.version;
  say(
    kv({
      model: v.model,
      version: `${v.version} (${v.versionLabel})`,
      task: v.contract.task,
      producer: [v.source?.producerName, v.source?.producerVersion].filter(Boolean).join(' ') || undefined,
      opsets: v.source ? Object.entries(v.source.opsets).map(([d, n]) => `${d} ${n}`) : undefined,
      features: v.contract.features.map((f) => f.name),
      classes: v.contract.classes,
      score: v.score ?? '(no reference set)',
      adapter: v.source?.adapter,
      onnx: v.onnxUri,
    }),
  );
  if (v.score !== undefined) say(metricsTable(v.metrics));
  const d = answer.deployment;
  say(`policy ${d.policy}: ${d.promoted ? 'promoted' : 'not promoted'} (${d.reason})`);
}

/** `cirrus models import NAME --file model.onnx …`. */
export function registerImportCommand(models: Command): void {
  models
    .command('import')
    .description('Import an ONNX model trained elsewhere as a new version (checked in onnxruntime first)')
    .argument('<model>', 'registered model name')
    .requiredOption('--file <path>', 'the .onnx file')
    .option('--task <task>', 'classification | regression (inferred from the outputs when omitted)')
    .option('--classes <list>', 'class labels in probability-column order, comma-separated')
    .option('--features <list>', 'feature names in input-column order, comma-separated')
    .option('--scores <kind>', 'a single [N, k] output holds: probabilities | logits')
    .option('--reference <csv>', 'reference rows (features + target): scored, and the drift baseline')
    .option('--target <column>', "the reference CSV's target column")
    .option(
      '--policy <policy>',
      'best_score | most_recent | manual | ab_test (default best_score with a reference)',
    )
    .option('--description <text>', 'version description')
    .option('--upload', 'send the files through presigned S3 URLs (automatic above 3 MB)')
    .addHelpText(
      'after',
      `
Examples:
  $ cirrus models import iris-skl --file logreg.onnx --reference iris.csv --target target
  $ cirrus models import iris-torch --file mlp.onnx --scores logits --classes setosa,versicolor,virginica \\
      --reference iris.csv --target species
  $ cirrus models import house --file ridge.onnx --features rooms,area,age --policy manual
`,
    )
    .action(async (model: string, opts: ImportOpts, cmd: Command) => {
      const client = clientFor(cmd);
      const onnx = await readFile(opts.file);
      const reference = opts.reference ? await readFile(opts.reference) : undefined;
      const big = onnx.length + (reference?.length ?? 0) > INLINE_MAX_BYTES;
      const files =
        opts.upload || big
          ? await upload(client, model, onnx, reference)
          : {
              onnxBase64: onnx.toString('base64'),
              ...(reference ? { referenceCsv: reference.toString('utf8') } : {}),
            };
      const answer = await client.post<ImportAnswer>(`/v1/models/${seg(model)}/import`, {
        ...files,
        fileName: basename(opts.file),
        task: opts.task,
        classes: list(opts.classes),
        features: list(opts.features),
        scores: opts.scores,
        target: opts.target,
        policy: opts.policy,
        description: opts.description,
      });
      emit(answer, () => report(answer));
    });
}
