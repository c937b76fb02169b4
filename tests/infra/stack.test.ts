import { describe, expect, it } from 'vitest';
import { NAG_ACKNOWLEDGEMENTS } from '../../infra/nag-acknowledgements.js';
import { alertChecks } from './alerts.checks.js';
import { batchChecks } from './batch.checks.js';
import { iamChecks } from './iam.checks.js';
import { nagChecks } from './nag.checks.js';
import { stateMachineChecks } from './state-machine.checks.js';
import { synthOnce } from './synth.js';
import { templateChecks } from './template.checks.js';

// The stack as `cdk synth` builds it from cdk.json, synthesized once for every check below
// (assets are not bundled here: tests/infra/cdk-cli.test.ts bundles and measures them).
describe('CirrusStack, default context', () => {
  const synth = synthOnce();
  templateChecks(synth);
  iamChecks(synth);
  stateMachineChecks(synth);
  batchChecks(synth);
  nagChecks(synth);
  alertChecks(synth);

  it('has no two acknowledgement kinds with the same reason', () => {
    const reasons = NAG_ACKNOWLEDGEMENTS.map((a) => a.reason);
    expect(new Set(reasons).size).toBe(reasons.length);
  });
});
