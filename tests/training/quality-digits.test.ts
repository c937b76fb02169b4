import { qualitySuite } from './quality-runner.js';

/** Quality on digits (1,797 rows x 64 features), split from quality.test.ts so the two run in parallel. */
qualitySuite(['digits']);
