import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** OpenMetadata's own MlModel JSON Schemas, as vendored (see contracts/vendor/openmetadata/README.md). */
const VENDOR = join(import.meta.dirname, '../../contracts/vendor/openmetadata');
const FILES = [
  'entity/data/mlmodel.json',
  'api/data/createMlModel.json',
  'entity/services/mlmodelService.json',
  'type/basic.json',
  'type/tagLabel.json',
  'type/entityReference.json',
  'type/entityReferenceList.json',
  'type/usageDetails.json',
  'type/entityHistory.json',
];

const UNREACHABLE = [
  'connections/mlmodel/mlflowConnection.json',
  'connections/mlmodel/sklearnConnection.json',
  'connections/mlmodel/customMlModelConnection.json',
  'connections/mlmodel/sageMakerConnection.json',
  'connections/testConnectionResult.json',
];

/**
 * Java's `(?U)` flag (Unicode character classes) has no JavaScript inline form: drop it, use the
 * `u` flag and spell `\w` as Unicode word characters, as Java does under that flag.
 */
function javaRegExp(pattern: string, flags: string): RegExp {
  if (!pattern.includes('(?U)')) return new RegExp(pattern, flags);
  const js = pattern.replace('(?U)', '').replaceAll('\\w', '\\p{L}\\p{M}\\p{N}\\p{Pc}');
  return new RegExp(js, `${flags.replace('u', '')}u`);
}
javaRegExp.code = 'javaRegExp';

function build(): { entity: ValidateFunction; create: ValidateFunction } {
  const ajv = new Ajv({
    allErrors: true,
    // The files carry annotations of OpenMetadata's Java build (javaType, javaEnums, mask,
    // @comment): no validation meaning, and '@comment' is not even a legal Ajv keyword name.
    strictSchema: false,
    // OpenMetadata's entityVersion is multipleOf 0.1: compare with a tolerance, not exact floats.
    multipleOfPrecision: 9,
    code: { regExp: javaRegExp as never },
  });
  addFormats.default(ajv);
  // OpenMetadata's epoch-millisecond integers; the type already says integer.
  ajv.addFormat('utc-millisec', true);
  // The service schema's connection and test-result schemas are not vendored: only its
  // `mlModelServiceType` is reachable from an MlModel. Ajv compiles the whole file, so give those
  // ids empty schemas (they never see a card's data).
  for (const id of UNREACHABLE) ajv.addSchema({ $id: `/entity/services/${id}` });
  for (const file of FILES) ajv.addSchema(JSON.parse(readFileSync(join(VENDOR, file), 'utf8')));
  return {
    entity: ajv.getSchema('/entity/data/mlmodel.json')!,
    create: ajv.getSchema('/api/data/createMlModel.json')!,
  };
}

let validators: ReturnType<typeof build> | undefined;

/** Ajv's errors for `document` against the MlModel entity or the createMlModel request ([] when valid). */
export function openMetadataErrors(form: 'entity' | 'create', document: unknown): ErrorObject[] {
  validators ??= build();
  const validate = validators[form];
  // JSON as it travels: undefined fields dropped.
  return validate(JSON.parse(JSON.stringify(document))) ? [] : [...(validate.errors ?? [])];
}
