import { HttpStatus } from '@nestjs/common';
import { classifyDbError, type ClassifiedDbError, type DbErrorKind } from '@nixflow/domain';

export { fieldsOfConstraint, MIGRATIONS_MESSAGE } from '@nixflow/domain';

export interface MappedDbError extends ClassifiedDbError {
  status: number;
}

const STATUS: Record<DbErrorKind, number> = {
  conflict: HttpStatus.CONFLICT,
  not_found: HttpStatus.NOT_FOUND,
  validation: HttpStatus.BAD_REQUEST,
  schema_mismatch: HttpStatus.SERVICE_UNAVAILABLE,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * A database error as an HTTP answer (the classification is @nixflow/domain's, shared with the worker).
 * Returns undefined when `err` is not a database error.
 */
export function mapPrismaError(err: unknown): MappedDbError | undefined {
  const c = classifyDbError(err);
  return c && { ...c, status: STATUS[c.kind] };
}
