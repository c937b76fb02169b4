import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { startEmulators } from '../../local/emulators/index.js';

export interface S3Emulator {
  readonly s3: S3Client;
  readonly bucket: string;
  /** A scratch directory for the test (emulator state, data dir); removed by close(). */
  readonly scratch: string;
  close(): Promise<void>;
}

/** The local runtime's real emulators (s3rver + dynalite) in a scratch data directory. */
export async function startS3Emulator(): Promise<S3Emulator> {
  const scratch = await mkdtemp(join(tmpdir(), 'cirrus-local-runtime-'));
  const emulators = await startEmulators({ dataDir: join(scratch, 'emulators') });
  return {
    s3: emulators.deps.s3,
    bucket: emulators.deps.bucket,
    scratch,
    async close() {
      await emulators.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
