import * as z from 'zod';

/**
 * Imported first by the predict function's entry, so it runs before any schema is built: zod's
 * object schemas read this switch when constructed. Jitless, an object schema parses by walking
 * its shape instead of generating and compiling a parser (`new Function`) on its first parse;
 * a cold start parses each of its few schemas about once, so that compilation was all cost.
 * Results are the same either way.
 */
z.config({ jitless: true });
