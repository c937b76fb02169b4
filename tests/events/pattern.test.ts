import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../core/events/pattern.js';
import { DRIFT_DETECTED_RULE, RETRAIN_EVENT_RULES, RETRAIN_REQUESTED_RULE } from '../../core/events/rules.js';

const drift = {
  source: 'cirrus',
  'detail-type': 'ModelDriftDetected',
  detail: { endpoint: 'iris', version: 3, tags: ['a', 'b'] },
};

describe('matchesPattern (EventBridge semantics)', () => {
  it('routes the drift event to the drift rule only, as the deployed rules do', () => {
    expect(RETRAIN_EVENT_RULES.filter((r) => matchesPattern(r.pattern, drift)).map((r) => r.id)).toEqual([
      DRIFT_DETECTED_RULE.id,
    ]);
    const requested = { ...drift, 'detail-type': 'RetrainRequested' };
    expect(matchesPattern(RETRAIN_REQUESTED_RULE.pattern, requested)).toBe(true);
    expect(matchesPattern(DRIFT_DETECTED_RULE.pattern, requested)).toBe(false);
    // Same detail-type from another source is not Cirrus's event.
    expect(matchesPattern(DRIFT_DETECTED_RULE.pattern, { ...drift, source: 'someone.else' })).toBe(false);
  });

  it('matches nested detail keys, arrays by any element, and the content matchers', () => {
    const m = (pattern: Record<string, unknown>) => matchesPattern(pattern as never, drift);
    expect(m({ detail: { endpoint: ['iris', 'wine'] } })).toBe(true);
    expect(m({ detail: { endpoint: ['wine'] } })).toBe(false);
    expect(m({ detail: { tags: ['b'] } })).toBe(true);
    expect(m({ detail: { endpoint: [{ prefix: 'ir' }] } })).toBe(true);
    expect(m({ detail: { endpoint: [{ suffix: 'is' }] } })).toBe(true);
    expect(m({ detail: { endpoint: [{ 'anything-but': ['iris'] }] } })).toBe(false);
    expect(m({ detail: { endpoint: [{ 'anything-but': 'wine' }] } })).toBe(true);
    expect(m({ detail: { version: [{ numeric: ['>', 2, '<=', 3] }] } })).toBe(true);
    expect(m({ detail: { version: [{ numeric: ['>', 3] }] } })).toBe(false);
    expect(m({ detail: { reportUri: [{ exists: false }] } })).toBe(true);
    expect(m({ detail: { reportUri: [{ exists: true }] } })).toBe(false);
    expect(m({ detail: { endpoint: [{ exists: true }] } })).toBe(true);
    expect(m({ detail: { missing: ['x'] } })).toBe(false);
  });
});
