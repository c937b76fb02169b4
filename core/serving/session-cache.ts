import * as ort from 'onnxruntime-node';
import type { ModelContract } from '../../contracts/model-contract.js';
import { ArtifactIntegrityError } from '../artifacts/errors.js';
import { getArtifact } from '../artifacts/store.js';
import type { CoreDeps } from '../deps.js';
import { CirrusError, NotFoundError } from '../errors.js';

/** What the registry records about a version that serving needs to load it. */
export interface ModelArtifactRef {
  readonly model: string;
  readonly version: number;
  /** `s3://bucket/key`, or a key in `deps.bucket`. */
  readonly onnxUri: string;
  /** Hex sha256 of the ONNX bytes, as recorded at registration. */
  readonly onnxSha256: string;
  readonly contract: ModelContract;
}

/** A loaded, verified model: reuse `session` for every request to this version. */
export interface LoadedModel {
  readonly model: string;
  readonly version: number;
  readonly contract: ModelContract;
  readonly session: ort.InferenceSession;
  readonly sha256: string;
  readonly sizeBytes: number;
}

/** The ONNX bytes in S3 are not the bytes the registry recorded: the model is refused. */
export class ModelIntegrityError extends CirrusError {
  constructor(
    readonly model: string,
    readonly version: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      'ModelIntegrity',
      `model '${model}' version ${version}: ONNX sha256 ${actual} does not match the registry's ${expected}; refusing to load`,
      500,
    );
  }
}

export interface SessionCacheOptions {
  /** Most versions kept loaded at once (least recently used is dropped). @default 8 */
  readonly maxEntries?: number;
  /**
   * onnxruntime session options. @default one intra-op and one inter-op thread: on Lambda and
   * on a small machine, concurrency comes from requests, not from threads inside one run.
   */
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
}

export interface SessionCacheStats {
  loads: number;
  hits: number;
  evictions: number;
}

/**
 * The ONNX bytes, verified against the registry's sha256 by the artifact store (the one
 * integrity check); a mismatch is reported as this model's ModelIntegrityError.
 */
async function readVerifiedBytes(deps: CoreDeps, ref: ModelArtifactRef): Promise<Uint8Array> {
  const where = ref.onnxUri.startsWith('s3://')
    ? { uri: ref.onnxUri }
    : { key: ref.onnxUri.replace(/^\/+/, '') };
  try {
    return await getArtifact(deps, { ...where, expectedSha256: ref.onnxSha256 });
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotFoundError('model artifact', e.entity);
    if (e instanceof ArtifactIntegrityError) {
      throw new ModelIntegrityError(ref.model, ref.version, ref.onnxSha256, e.actual);
    }
    throw e;
  }
}

/**
 * ONNX sessions per (model, version), loaded once per container: concurrent first requests share
 * one load (the cache holds the promise), the bytes' sha256 is checked against the registry
 * before onnxruntime sees them, and at most `maxEntries` versions stay loaded (LRU).
 * Evicted sessions are not released explicitly because a request may still be running on one;
 * onnxruntime-node frees the native session when the object is collected.
 */
export class SessionCache {
  private readonly entries = new Map<string, Promise<LoadedModel>>();
  /** The key last in `entries` (the most recently used). */
  private newest: string | undefined;
  private readonly maxEntries: number;
  private readonly sessionOptions: ort.InferenceSession.SessionOptions;
  readonly stats: SessionCacheStats = { loads: 0, hits: 0, evictions: 0 };

  constructor(options: SessionCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 8;
    this.sessionOptions = options.sessionOptions ?? { intraOpNumThreads: 1, interOpNumThreads: 1 };
  }

  /** The loaded model for `ref`, loading and verifying it on first use. */
  get(deps: CoreDeps, ref: ModelArtifactRef): Promise<LoadedModel> {
    const key = `${ref.model}\u0000${ref.version}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.stats.hits++;
      // Most recently used moves last; the common case (one hot version) is already there.
      if (key !== this.newest) {
        this.entries.delete(key);
        this.entries.set(key, cached);
        this.newest = key;
      }
      return cached;
    }
    const loading = this.load(deps, ref);
    this.entries.set(key, loading);
    this.newest = key;
    // A failed load is forgotten so the next request retries (e.g. after the artifact is fixed).
    loading.catch(() => {
      if (this.entries.get(key) === loading) this.entries.delete(key);
    });
    this.evict();
    return loading;
  }

  /** Number of versions held (loaded or loading). */
  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) return;
      this.entries.delete(oldest);
      this.stats.evictions++;
    }
  }

  private async load(deps: CoreDeps, ref: ModelArtifactRef): Promise<LoadedModel> {
    this.stats.loads++;
    const bytes = await readVerifiedBytes(deps, ref);
    const sha256 = ref.onnxSha256.toLowerCase(); // what readVerifiedBytes checked the bytes against
    const session = await ort.InferenceSession.create(bytes, this.sessionOptions);
    return {
      model: ref.model,
      version: ref.version,
      contract: ref.contract,
      session,
      sha256,
      sizeBytes: bytes.length,
    };
  }
}
