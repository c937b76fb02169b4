import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `npm …` in the repository root, as `npx cirrus` does before every command. */
function npm(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('npm', args, { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(error) : resolve({ stdout, stderr }),
    );
  });
}

describe("the project's npm configuration", () => {
  it('loads without an "Unknown project config" warning', async () => {
    const { stdout, stderr } = await npm(['pkg', 'get', 'name']);
    expect(stdout.trim()).toBe('"cirrus"');
    expect(stderr).not.toContain('Unknown project config');
  });

  it("still keeps onnxruntime-node's CUDA download from running at install", async () => {
    const pkg = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8'));
    // npm 11 skips a denied package's install scripts; .ci/run sets the variable for older npm.
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    expect(await readFile(`${ROOT}.ci/run`, 'utf8')).toMatch(/^export ONNXRUNTIME_NODE_INSTALL=skip$/m);
  });
});
