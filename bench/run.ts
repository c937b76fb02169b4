/**
 * Runs the benchmarks one after another, each in its own process (so one's heap and JIT state
 * do not colour the next). `npm run bench` runs all; `npm run bench -- gbm serving` some.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['gbm', 'algorithms', 'serving', 'prediction-log', 'drift', 'console'] as const;

const asked = process.argv.slice(2);
const unknown = asked.filter((b) => !(BENCHES as readonly string[]).includes(b));
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(', ')} (choose from ${BENCHES.join(', ')})`);
  process.exit(2);
}
let failed = 0;
for (const bench of asked.length > 0 ? asked : BENCHES) {
  console.log(`\n== bench/${bench}.ts ==`);
  const file = fileURLToPath(new URL(`./${bench}.ts`, import.meta.url));
  const res = spawnSync(process.execPath, ['--import', 'tsx', file], {
    stdio: 'inherit',
    // As bin/cirrus.js: the SDK's notice that its 2027 releases need Node 22 is not a result.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env },
  });
  if (res.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
