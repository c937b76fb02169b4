import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { Synthesized } from './synth.js';

/** Every acknowledgement recorded in the construct tree: [rule id, reason]. */
function acknowledged(synth: Synthesized): [string, string][] {
  return (
    synth.stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      // Validations.acknowledge records `{ [qualifiedRuleId]: reason }` per call.
      .flatMap((m) => Object.entries<string>(m.data))
  );
}

/**
 * Registers the cdk-nag checks on a synthesized stack. `synthCirrus` already ran `app.synth()`,
 * which throws when the AwsSolutions plugin reports an unacknowledged error; these say so
 * explicitly and check the acknowledgements themselves.
 */
export function nagChecks(synth: Synthesized): void {
  describe('cdk-nag AwsSolutionsChecks', () => {
    it('reports zero unacknowledged errors', () => {
      const report = new AwsSolutionsChecks().validateScope(synth.stack);
      expect(report.violations.filter((v) => v.severity === 'error').map((v) => v.ruleName)).toEqual([]);
    });

    it('gives every acknowledgement a specific reason, finding by finding', () => {
      const acks = acknowledged(synth);
      expect(acks.length).toBeGreaterThan(0);
      for (const [id, reason] of acks) {
        expect(id).toMatch(/^\w+::AwsSolutions-(IAM4\[|IAM5\[|L1$|SF1$|SQS3$)/);
        expect(reason.length, id).toBeGreaterThan(40);
      }
      // Never a blanket rule-level acknowledgement of wildcard findings: each names its finding.
      expect(acks.filter(([id]) => /AwsSolutions-IAM[45]$/.test(id))).toEqual([]);
    });
  });
}
