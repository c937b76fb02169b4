import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineRunner } from '../../core/ports.js';
import { setAlias } from '../../core/registry/aliases.js';
import { ensureEndpoint } from '../../core/serving/endpoints.js';
import type { ExecutionRecord, LocalStateMachine } from '../../local/stepfunctions/index.js';
import { startTestEmulators, type TestEmulators } from '../serving/emulators.js';
import { registerOnnx } from '../serving/fixtures/register.js';
import { classifierContract, tinyClassifierBytes } from '../serving/fixtures/tiny-models.js';

/**
 * Real emulators holding the tiny classifier as model `tiny` (version 1, champion) behind its
 * endpoint, and a fresh data directory for a local state machine.
 */
export async function startTinyEndpoint(dirPrefix: string): Promise<{ emu: TestEmulators; dataDir: string }> {
  const emu = await startTestEmulators();
  const dataDir = await mkdtemp(join(tmpdir(), dirPrefix));
  await registerOnnx(emu.deps, 'tiny', tinyClassifierBytes(), classifierContract);
  await setAlias(emu.deps, {
    model: 'tiny',
    alias: 'champion',
    version: 1,
    reason: 't',
    policy: 'manual',
    by: 't',
  });
  await ensureEndpoint(emu.deps, { model: 'tiny' });
  return { emu, dataDir };
}

/** The execution once it is no longer RUNNING (polled every 50 ms). */
export async function stoppedExecution(machine: LocalStateMachine, id: string): Promise<ExecutionRecord> {
  for (;;) {
    const r = await machine.getExecution(id);
    if (r && r.status !== 'RUNNING') return r;
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** The runner `startBatchJob` starts executions with: the local state machine itself. */
export function machineRunner(machine: LocalStateMachine): PipelineRunner {
  return {
    start: async (_p: string, name: string, input: unknown) => ({
      executionId: (await machine.start(input, { name })).executionId,
    }),
    describe: async () => {
      throw new Error('not used');
    },
  };
}
