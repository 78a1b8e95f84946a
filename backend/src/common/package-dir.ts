import fs from 'node:fs';
import path from 'node:path';

/**
 * The nearest folder at or above `from` holding a package.json: the package's own folder, whether the
 * code runs built (dist/src/…) or from TypeScript (src/…, tests run without a build).
 */
export function packageDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json at or above ${from}`);
  }
}
