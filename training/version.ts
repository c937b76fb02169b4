import { readFileSync } from 'node:fs';
import { z } from 'zod';

const PackageSchema = z.object({ version: z.string().min(1) });

/** The trainer version: the project's package.json version (recorded in every manifest). */
export const TRAINER_VERSION: string = PackageSchema.parse(
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')),
).version;
