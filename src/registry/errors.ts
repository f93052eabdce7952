/**
 * Errors of the domain, thrown by registry/ and mapped once to HTTP problem+json
 * (src/plugins/problem-errors.ts) and once to GraphQL error codes (src/graphql/).
 */

export interface FieldProblem {
  field: string;
  message: string;
}

/** The input breaks a rule: 400 (malformed) or 422 (well-formed but not acceptable). */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    message: string,
    readonly errors: FieldProblem[] = [],
    readonly kind: 'malformed' | 'unprocessable' = 'malformed',
  ) {
    super(message);
  }

  static field(field: string, message: string): InvalidInputError {
    return new InvalidInputError(`${field} ${message}`, [{ field, message }]);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly holder?: unknown,
  ) {
    super(message);
  }
}

/** No key, or a key that is unknown, revoked or expired: 401 with WWW-Authenticate. */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
}

/** A valid key without the scope the operation needs. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** An If-Match version that is no longer current: 412. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
}
