import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import type { DatasetPreview } from '../../contracts/dataset.js';
import { parseS3Uri } from '../artifacts/uri.js';
import type { CoreDeps } from '../deps.js';
import { isMissingCell } from '../data/infer.js';
import { getDataset } from './store.js';

/** How much of the CSV a preview reads: rows past this are not shown (the preview stops early). */
export const PREVIEW_BYTES = 256 * 1024;

/**
 * The first `limit` rows of a dataset version (a sha256, a prefix of one, or `latest`). Reads
 * only the start of the CSV (a ranged GET of PREVIEW_BYTES), so a large dataset costs the same.
 * @throws NotFoundError for an unknown dataset or version.
 */
export async function previewDataset(
  deps: CoreDeps,
  input: { name: string; version: string; limit: number },
): Promise<DatasetPreview> {
  const record = await getDataset(deps, input.name, input.version);
  const { bucket, key } = parseS3Uri(record.uri);
  const response = await deps.s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${PREVIEW_BYTES - 1}` }),
  );
  let text = new TextDecoder().decode(await response.Body?.transformToByteArray());
  // A cut read ends mid-row: keep whole lines only.
  if (record.bytes > PREVIEW_BYTES) text = text.slice(0, text.lastIndexOf('\n') + 1);
  const records: string[][] = parse(text, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    to: input.limit + 1,
  });
  const header = (records[0] ?? []).map((h) => h.trim());
  const columns = record.schema.columns.map((c) => c.name);
  const at = columns.map((c) => header.indexOf(c));
  return {
    name: record.name,
    version: record.version,
    columns,
    rows: records.slice(1, input.limit + 1).map((r) => at.map((i) => cellOf(r[i]))),
    rowCount: record.rowCount,
  };
}

function cellOf(value: string | undefined): string | null {
  return value === undefined || isMissingCell(value) ? null : value;
}
