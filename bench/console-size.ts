// The console's first-page weight: the HTML, script and stylesheet a browser loads at `/`, raw and gzipped.
import { gzipSync } from 'node:zlib';
import { bundleConsole } from '../console/bundle.js';
import { consoleHtml } from '../console/html.js';

const bundle = await bundleConsole();
const parts = { html: new TextEncoder().encode(consoleHtml()), js: bundle.js, css: bundle.css };
let raw = 0;
let gz = 0;
for (const [name, bytes] of Object.entries(parts)) {
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += z;
  console.log(`${name.padEnd(5)} ${String(bytes.length).padStart(8)} B  gzipped ${String(z).padStart(7)} B`);
}
console.log(`first page ${raw} B, gzipped ${(gz / 1024).toFixed(1)} KB (budget 300 KB)`);
