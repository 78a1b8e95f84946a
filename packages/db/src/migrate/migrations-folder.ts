import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrationChecksum } from './checksum.js';
import { MigrationSetupError } from './errors.js';

export interface LocalMigration {
  /** Folder name, e.g. 20240129000000_init: the `migration_name` in `_prisma_migrations`. */
  name: string;
  script: string;
  checksum: string;
  file: string;
  /**
   * `prelude.sql` beside `migration.sql`, when present: nixflow's runner runs it first, in the same
   * transaction (to make room for what the migration adds, e.g. clear references a foreign key would
   * reject). Not part of the checksum: Prisma reads only migration.sql.
   */
  prelude?: string;
}

/**
 * backend/prisma/migrations of this checkout (or image); MIGRATIONS_DIR overrides. Found by walking up from
 * this module, so that it holds from dist/src (built) and from src (tests run from TypeScript) alike.
 */
export function defaultMigrationsDir(): string {
  if (process.env.MIGRATIONS_DIR) return process.env.MIGRATIONS_DIR;
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'backend/prisma/migrations');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.resolve(here, '../../../../../backend/prisma/migrations');
  }
}

/**
 * The order Prisma applies migrations in: its CLI lists the folder and sorts the names with
 * `localeCompare`, so `20990101000000_a` comes before `20990101000000_B` (a plain `.sort()`, by
 * code unit, would put `_B` first and disagree with Prisma on the same folder).
 */
export const prismaMigrationOrder = (a: string, b: string): number => a.localeCompare(b);

/**
 * The migrations of a Prisma migrations folder, in the order Prisma applies them (folder names
 * sorted), each with its script and checksum. Like Prisma, refuses a lock file for another provider.
 */
export function readMigrations(dir: string = defaultMigrationsDir()): {
  migrations: LocalMigration[];
  warnings: string[];
} {
  if (!fs.existsSync(dir)) {
    throw new MigrationSetupError(
      `Migrations folder ${dir} does not exist: set MIGRATIONS_DIR or run from the repository.`,
    );
  }
  const warnings: string[] = [];
  const lock = path.join(dir, 'migration_lock.toml');
  if (!fs.existsSync(lock)) {
    warnings.push(`${lock} is missing; Prisma writes it with provider = "postgresql".`);
  } else {
    const provider = fs.readFileSync(lock, 'utf8').match(/^\s*provider\s*=\s*"([^"]*)"/m)?.[1];
    if (provider && provider !== 'postgresql') {
      throw new MigrationSetupError(
        `${lock} says provider = "${provider}", but this runner only handles "postgresql" (Prisma error P3019).`,
      );
    }
  }
  const migrations = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort(prismaMigrationOrder)
    .flatMap((name) => {
      const file = path.join(dir, name, 'migration.sql');
      if (!fs.existsSync(file)) {
        warnings.push(`${path.join(dir, name)} has no migration.sql and is ignored.`);
        return [];
      }
      const script = fs.readFileSync(file, 'utf8');
      const preludeFile = path.join(dir, name, 'prelude.sql');
      const prelude = fs.existsSync(preludeFile) ? fs.readFileSync(preludeFile, 'utf8') : undefined;
      return [{ name, script, checksum: migrationChecksum(script), file, ...(prelude ? { prelude } : {}) }];
    });
  return { migrations, warnings };
}

/** 1-based line of a character offset (PostgreSQL error positions are 1-based characters). */
export function lineOf(script: string, position: number): number {
  return script.slice(0, Math.max(0, position - 1)).split('\n').length;
}
