import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (infra/ lives one level below it). */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Absolute path of a repository-relative path, e.g. `repoPath('lambdas/api/handler.ts')`. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, new URL('../', import.meta.url)));
}
