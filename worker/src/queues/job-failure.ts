import type { Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { classifyDbError, DomainError, isSchemaMismatch } from '@nixflow/domain';
import { DB_MISMATCH_MESSAGE } from '../prisma/schema-errors.js';

/**
 * How a failed job goes on:
 * - permanent: running it again gives the same answer (the record is gone, the input is refused, the
 *   caller may not, the state conflicts), so it fails now, without retry;
 * - schema_mismatch: the database is behind the code; migrations may be applied meanwhile, so it is
 *   retried with the job's back-off (a scheduled job: at its next run);
 * - transient: anything else (connection errors, timeouts, unknown): retried as BullMQ's attempts and
 *   backoff say.
 */
export type JobFailureKind = 'permanent' | 'schema_mismatch' | 'transient';

export interface JobFailure {
  kind: JobFailureKind;
  /** The domain or database kind behind it (not_found, conflict, unavailable…), or `unknown`. */
  reason: string;
}

const PERMANENT_KINDS = new Set(['not_found', 'validation', 'forbidden', 'conflict']);
/** P2034: a write conflict or deadlock PostgreSQL asks to retry; a conflict, but not a permanent one. */
const RETRY_ASKED_CODES = new Set(['P2034']);

export function classifyJobFailure(err: unknown): JobFailure {
  if (err instanceof UnrecoverableError) return { kind: 'permanent', reason: 'unrecoverable' };
  if ((err instanceof DomainError && err.kind === 'schema_mismatch') || isSchemaMismatch(err)) {
    return { kind: 'schema_mismatch', reason: 'schema_mismatch' };
  }
  if (err instanceof DomainError) {
    return PERMANENT_KINDS.has(err.kind)
      ? { kind: 'permanent', reason: err.kind }
      : { kind: 'transient', reason: err.kind };
  }
  const db = classifyDbError(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (db && PERMANENT_KINDS.has(db.kind) && !(typeof code === 'string' && RETRY_ASKED_CODES.has(code))) {
    return { kind: 'permanent', reason: db.kind };
  }
  return { kind: 'transient', reason: db?.kind ?? 'unknown' };
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The error a processor throws for `err`: an UnrecoverableError for a permanent failure (logged once, at
 * warn, with the job id and the kind), else `err` itself so that BullMQ retries. A schema mismatch is
 * logged with [DB-MISMATCH] first.
 */
export function jobError(job: Job, err: unknown, logger: Logger): Error {
  const failure = classifyJobFailure(err);
  const where = `${job.queueName}/${job.name} job ${job.id ?? '?'}`;
  if (failure.kind === 'permanent') {
    logger.warn(`${where} failed for good (${failure.reason}), not retried: ${messageOf(err)}`);
    return err instanceof UnrecoverableError ? err : new UnrecoverableError(`${failure.reason}: ${messageOf(err)}`);
  }
  if (failure.kind === 'schema_mismatch') {
    const line = classifyDbError(err)?.log?.line ?? DB_MISMATCH_MESSAGE;
    logger.error(`${line} (${where}, attempt ${job.attemptsMade + 1}: retried with back-off)`);
  }
  return err instanceof Error ? err : new Error(messageOf(err));
}

/** A processor's `process` body, failing by kind (see JobFailureKind). */
export async function runJob<T>(job: Job, logger: Logger, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw jobError(job, err, logger);
  }
}
