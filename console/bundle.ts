import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/** The console's browser assets, built in memory by esbuild from `console/src/`. */
export interface ConsoleBundle {
  readonly js: Uint8Array;
  readonly css: Uint8Array;
}

const ENTRY = fileURLToPath(new URL('./src/main.js', import.meta.url));

/**
 * Bundles the console (Preact + htm + uPlot, the ASL files) into one script and one stylesheet.
 * Everything comes from node_modules and this package: the page needs no network.
 */
export async function bundleConsole(options: { minify?: boolean } = {}): Promise<ConsoleBundle> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    minify: options.minify ?? true,
    outdir: 'out',
    loader: { '.json': 'json' },
    logLevel: 'silent',
  });
  const pick = (ext: string) =>
    result.outputFiles.find((f) => f.path.endsWith(ext))?.contents ?? new Uint8Array();
  return { js: pick('.js'), css: pick('.css') };
}
