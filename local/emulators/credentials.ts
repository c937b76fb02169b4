import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCredentials } from './sigv4-verify.js';

/** The AWS CLI profile the credentials file defines. */
export const LOCAL_PROFILE = 'cirrus-local';

/**
 * Where a data dir's emulator credentials are: an AWS shared-credentials file, so the AWS CLI
 * reads them with `AWS_SHARED_CREDENTIALS_FILE=<this> AWS_PROFILE=cirrus-local`.
 */
export const credentialsFile = (dataDir: string) => join(dataDir, 'aws-credentials');

/**
 * The emulators' credentials for `dataDir`: read from its credentials file, else generated
 * (random, on first start) and written there with mode 0600. Only a process that can read the
 * data dir (this user's) can sign requests the emulators accept.
 */
export function resolveLocalCredentials(dataDir: string): LocalCredentials {
  const file = credentialsFile(dataDir);
  const existing = readCredentials(file);
  if (existing) return existing;
  const credentials = {
    accessKeyId: `CIRRUS${randomBytes(10).toString('hex').toUpperCase().slice(0, 14)}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    file,
    `# Cirrus local emulators (S3, DynamoDB) of this data dir; generated on first start.\n[${LOCAL_PROFILE}]\naws_access_key_id = ${credentials.accessKeyId}\naws_secret_access_key = ${credentials.secretAccessKey}\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return credentials;
}

function readCredentials(file: string): LocalCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const value = (name: string) => new RegExp(`^${name}\\s*=\\s*(\\S+)\\s*$`, 'm').exec(text)?.[1];
  const accessKeyId = value('aws_access_key_id');
  const secretAccessKey = value('aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey)
    throw new Error(`${file}: no aws_access_key_id / aws_secret_access_key`);
  return { accessKeyId, secretAccessKey };
}
