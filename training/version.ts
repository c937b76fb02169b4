import * as z from 'zod';
import packageJson from '../package.json' with { type: 'json' };

const PackageSchema = z.object({ version: z.string().min(1) });

/**
 * The trainer version: the project's package.json version (recorded in every manifest). An
 * import, not a file read, so the trainer bundle (training/bundle.ts) carries it inside.
 */
export const TRAINER_VERSION: string = PackageSchema.parse(packageJson).version;
