export { ArtifactIntegrityError } from './errors.js';
export {
  type ArtifactEntry,
  type ArtifactPage,
  type ListArtifactsInput,
  listAllArtifacts,
  listArtifacts,
} from './list.js';
export {
  type GetArtifactInput,
  getArtifact,
  getJson,
  headArtifact,
  type PutArtifactInput,
  putArtifact,
  putJson,
  SHA256_METADATA_KEY,
  type StoredArtifact,
  sha256Hex,
} from './store.js';
export {
  type ArtifactWriter,
  createArtifactWriter,
  MULTIPART_PART_BYTES,
  readArtifactStream,
} from './stream.js';
export { parseS3Uri, type S3Location, toS3Uri } from './uri.js';
