export * from './categorical-profile.js';
export * from './numeric-profile.js';
export * from './numeric-window.js';
export * from './reservoir.js';
export * from './values.js';
