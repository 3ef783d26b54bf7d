import { fileURLToPath } from 'node:url';

/** A file of the originals' compat fixtures, in `shared/compat/` beside the repository (as CI lays it out). */
export function compatPath(relative: string): string {
  return fileURLToPath(new URL(`../../shared/compat/${relative}`, import.meta.url));
}
