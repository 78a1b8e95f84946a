/**
 * Errors the domain throws. They say what went wrong in domain terms; the API's exception filter maps
 * them to HTTP and the worker decides from `kind` whether a job is retried.
 */
export type DomainErrorKind = 'not_found' | 'conflict' | 'forbidden' | 'validation' | 'schema_mismatch';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** Stable machine-readable code, e.g. `ticket_not_found`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}

/** Input the domain refuses; `field` names it (dotted path) when one field is at fault. */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  constructor(
    code: string,
    message: string,
    readonly field?: string,
  ) {
    super(code, message);
  }
}

/** The database lacks a table or column the code needs: migrations were not applied. */
export class SchemaMismatchError extends DomainError {
  readonly kind = 'schema_mismatch' as const;
}
