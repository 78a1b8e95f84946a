import { DatabaseUnreachableError, MigrationBlockedError } from '../migrate/errors.js';

/** Exit codes shared by the db CLIs (CONTRACTS.md): 2 unreachable, 3 migration failed/blocked, 1 other. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof DatabaseUnreachableError) return 2;
  if (err instanceof MigrationBlockedError) return 3;
  return 1;
}

/** Runs a CLI body, printing a failure as text (no stack for expected failures) and exiting with its code. */
export async function runCli(main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (err) {
    const code = exitCodeFor(err);
    const expected =
      code !== 1 ||
      ['MigrationSetupError', 'MigrationLockTimeoutError', 'MigrationInterruptedError'].includes((err as Error)?.name);
    console.error(expected ? `✖ ${(err as Error).message}` : err);
    process.exitCode = code;
  }
}

export const quiet = (): boolean => process.env.NIXFLOW_QUIET === '1' || process.env.NIXFLOW_QUIET === 'true';
