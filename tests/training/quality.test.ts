import { qualitySuite } from './quality-runner.js';

/** Quality on the small sets; digits (the heavy one) runs in quality-digits.test.ts, in parallel. */
qualitySuite(['iris', 'wine', 'breast_cancer', 'diabetes']);
