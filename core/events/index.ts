export * from './rules.js';
export { type CronSchedule, nextCronTime, parseCron } from './cron.js';
export { nextFireTime, parseScheduleExpression, type ScheduleExpression } from './schedule-expression.js';
export { retrainInputOf, retrainOnEvent } from './retrain-target.js';
export { matchesPattern } from './pattern.js';
