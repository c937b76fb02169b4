import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.js';

describe('npx cdk synth', () => {
  it('synthesizes the app offline with the pinned CLI (aws-cdk 2.1148.1)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cirrus-cli-'));
    try {
      // AWS_REGION keeps the CLI from probing the EC2 metadata address; no credentials, no network.
      const result = spawnSync('npx', ['cdk', 'synth', '--no-notices', '-q', '--output', outdir], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 240_000,
        env: {
          ...process.env,
          AWS_REGION: 'us-east-1',
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          AWS_PROFILE: '',
        },
      });
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      const template = JSON.parse(readFileSync(join(outdir, 'Cirrus.template.json'), 'utf8'));
      expect(Object.keys(template.Outputs)).toEqual(
        expect.arrayContaining(['ApiUrl', 'BucketName', 'StateMachineArn']),
      );
      expect(existsSync(join(outdir, 'Cirrus.assets.json'))).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 300_000);
});
