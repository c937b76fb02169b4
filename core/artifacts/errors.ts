import { CirrusError } from '../errors.js';

/**
 * The bytes read back do not hash to the sha256 recorded when they were written (or to the one
 * the caller expected, e.g. the registry's `onnxSha256`): the artifact is corrupted or replaced.
 */
export class ArtifactIntegrityError extends CirrusError {
  constructor(
    readonly uri: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('ArtifactCorrupted', `artifact '${uri}' is corrupted: sha256 ${actual}, expected ${expected}`, 500);
  }
}
