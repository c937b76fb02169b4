import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { BuildOptions, Metafile } from 'esbuild';

/** What one build produced: the files (not written) and the metafile naming its inputs. */
export interface ChildBuild {
  readonly metafile: Metafile;
  readonly outputFiles: readonly { readonly path: string; readonly contents: Uint8Array }[];
}

const ESBUILD = pathToFileURL(createRequire(import.meta.url).resolve('esbuild')).href;

// Reads the options as JSON on stdin, builds in memory, prints the outputs as JSON.
const SCRIPT = `
import { build } from ${JSON.stringify(ESBUILD)};
let input = '';
for await (const chunk of process.stdin) input += chunk;
const result = await build({ ...JSON.parse(input), write: false, metafile: true });
process.stdout.write(JSON.stringify({
  metafile: result.metafile,
  outputFiles: result.outputFiles.map((f) => ({ path: f.path, base64: Buffer.from(f.contents).toString('base64') })),
}));
`;

/**
 * esbuild's build in a short-lived child process: esbuild keeps its service process alive for
 * the life of the process that first calls it, and `cirrus local up` builds once then serves for
 * hours. Options must be JSON (no plugins).
 */
export function buildInChild(options: BuildOptions): Promise<ChildBuild> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT],
      { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`esbuild: ${stderr.trim() || error.message}`));
        const out = JSON.parse(stdout) as {
          metafile: Metafile;
          outputFiles: { path: string; base64: string }[];
        };
        resolve({
          metafile: out.metafile,
          outputFiles: out.outputFiles.map((f) => ({
            path: f.path,
            contents: Buffer.from(f.base64, 'base64'),
          })),
        });
      },
    );
    child.stdin?.end(JSON.stringify(options));
  });
}
