export { findColumn, selectRows, sortLabels, toFloat64, toStrings } from './columns.js';
export { type ParseCsvOptions, parseCsv } from './csv.js';
export { csvProfileOfStream, csvSchemaOfStream, MAX_TRACKED_DISTINCT } from './csv-schema-stream.js';
export { inferColumnType, isMissingCell, parseNumberCell } from './infer.js';
export { type SplitIndices, type SplitOptions, splitRows, stratifiedRanks } from './split.js';
export type { Column, ParsedCsv } from './types.js';
export { toCsv } from './write.js';
export { type CsvRecords, csvLine, csvRecordsOfStream } from './csv-records-stream.js';
