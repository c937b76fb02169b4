export * from './categorical.js';
export * from './ks.js';
export * from './select-test.js';
export * from './special.js';
export * from './wasserstein.js';
export * from './sorted-search.js';
export * from './ks-exact.js';
