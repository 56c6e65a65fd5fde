/** The package's own metadata, read at runtime from package.json (found upward from this file, in src or dist). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The version in package.json ("0.0.0" if it cannot be found, which only happens in a broken install). */
export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i += 1) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'domo-filesets' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // unreadable: keep looking upward
      }
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}
