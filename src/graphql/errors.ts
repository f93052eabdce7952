/**
 * The one place domain errors become GraphQL errors (as src/plugins/problem-errors.ts is for
 * problem+json). Every error leaves with `extensions.code`; none with a stack, SQL or the text of
 * an unexpected error.
 *
 * | code                      | from                                        | status if nothing ran |
 * |---------------------------|---------------------------------------------|-----------------------|
 * | BAD_USER_INPUT            | InvalidInputError (REST's 400 and 422, `extensions.errors`), InvalidPortError, a bad variable value | 400 |
 * | UNAUTHENTICATED           | UnauthenticatedError (no, a bad, revoked or expired key) | 401      |
 * | FORBIDDEN                 | ForbiddenError (a key without the scope)    | 403                   |
 * | NOT_FOUND                 | NotFoundError (also an organisation the key cannot see) | 404       |
 * | CONFLICT                  | ConflictError (`extensions.conflict`: the holder) | 409             |
 * | PRECONDITION_FAILED       | PreconditionFailedError (a stale ifVersion) | 412                   |
 * | SERVICE_UNAVAILABLE       | RegistryNotReadyError, the database unreachable (Retry-After) | 503 |
 * | GRAPHQL_PARSE_FAILED      | a query that is not GraphQL                 | 400                   |
 * | GRAPHQL_VALIDATION_FAILED | a query the schema refuses (unknown field or input field, `number: "x"`) | 400 |
 * | QUERY_TOO_DEEP, QUERY_TOO_COMPLEX | ./query-limits.ts                   | 400                   |
 * | BAD_REQUEST               | an HTTP request Mercurius refused (bad JSON body, a mutation over GET) | its status |
 * | INTERNAL_SERVER_ERROR     | anything else (logged whole)                | 500                   |
 *
 * A request refused before execution (parse, validation, limits, variables) answers with that
 * status and no `data`. Once execution ran, the answer is 200 with `data` (a failed field is null)
 * and the errors, as GraphQL over HTTP asks for application/json.
 */
import {
  GraphQLError,
  Kind,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from './graphql-js.js';
import type { MercuriusContext } from 'mercurius';
import { isDatabaseUnavailable } from '../db/errors.js';
import { InvalidPortError } from '../domain/classification.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  UnauthenticatedError,
  type FieldProblem,
} from '../registry/errors.js';
import { RegistryNotReadyError } from '../registry/registry.js';

/**
 * Where a query argument has another name than the REST parameter the domain names in its field
 * errors: query field -> domain field -> argument.
 */
const ARGUMENT_NAMES: Record<string, Record<string, string>> = {
  port: { port: 'number' },
  ports: { cursor: 'after' },
  services: { q: 'query', cursor: 'after' },
};

/** The same for the lists of an Organization (`org(slug) { assignments(after: ...) }`). */
const ORGANIZATION_ARGUMENT_NAMES: Record<string, Record<string, string>> = {
  assignments: { cursor: 'after' },
  reservations: { cursor: 'after' },
  audit: { cursor: 'after' },
};

interface Described {
  code: string;
  status: number;
  message: string;
  extensions?: Record<string, unknown>;
  /** Seconds for Retry-After, when trying again later may work. */
  retryAfter?: number;
}

const INTERNAL_MESSAGE = 'internal error; the request id is in the logs';

/** A query that graphql-js did not parse (see ./plugin.ts): answered as a syntax error. */
export class NotGraphqlError extends Error {
  constructor() {
    super('Syntax Error: the query is not a GraphQL document');
    this.name = 'NotGraphqlError';
  }
}

/** Mercurius's `errorFormatter`: every error mapped, the HTTP status chosen. */
export function formatGraphqlErrors<TContext extends MercuriusContext>(
  execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
  context: TContext,
): { statusCode: number; response: FormattedExecutionResult } {
  const log = context.reply?.log ?? context.app.log;
  const errors: GraphQLFormattedError[] = [];
  let firstStatus: number | undefined;
  for (const error of execution.errors.flatMap(unwrap)) {
    const description = describe(error);
    if (description.code === 'INTERNAL_SERVER_ERROR') {
      log.error({ err: error.originalError ?? error }, 'graphql request failed');
    }
    if (description.retryAfter !== undefined) {
      if (description.code === 'SERVICE_UNAVAILABLE' && error.originalError) {
        log.warn({ err: error.originalError }, 'graphql request: service unavailable');
      }
      context.reply?.header('retry-after', String(description.retryAfter));
    }
    firstStatus ??= description.status;
    errors.push(formatted(error, description));
  }
  // Refused before execution: no data, and the status of the (first) reason.
  if (execution.data == null) return { statusCode: firstStatus ?? 400, response: { errors } };
  return { statusCode: 200, response: { data: execution.data, errors } };
}

/**
 * Mercurius wraps the errors of parsing, validation and variables in one error with a list; the
 * query limits (./query-limits.ts) throw an AggregateError.
 */
function unwrap(error: GraphQLError): GraphQLError[] {
  const wrapper = error.originalError;
  const inner = wrapper ? innerErrors(wrapper) : undefined;
  if (!wrapper || !inner) return [error];
  return inner.map((each) =>
    each instanceof GraphQLError
      ? each
      : new GraphQLError(each instanceof Error ? each.message : String(each), {
          originalError: each instanceof Error ? withStatus(each, wrapper) : undefined,
        }),
  );
}

function innerErrors(error: Error): unknown[] | undefined {
  if (error instanceof AggregateError) return error.errors;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  const mercurius = typeof code === 'string' && code.startsWith('MER_ERR_');
  return mercurius && Array.isArray(errors) ? errors : undefined;
}

/** An inner error of a Mercurius wrapper takes the wrapper's status when it has none. */
function withStatus(error: Error, wrapper: Error): Error {
  if (statusOf(error) === undefined && statusOf(wrapper) !== undefined) {
    Object.assign(error, { statusCode: statusOf(wrapper) });
  }
  return error;
}

function describe(error: GraphQLError): Described {
  const original = error.originalError;
  if (original instanceof InvalidInputError) {
    return badUserInput(error, original.message, original.errors);
  }
  if (original instanceof InvalidPortError) {
    return badUserInput(error, original.message, [
      { field: original.field, message: original.reason },
    ]);
  }
  if (original instanceof UnauthenticatedError) {
    return { code: 'UNAUTHENTICATED', status: 401, message: original.message };
  }
  if (original instanceof ForbiddenError) {
    return { code: 'FORBIDDEN', status: 403, message: original.message };
  }
  if (original instanceof NotFoundError) {
    return { code: 'NOT_FOUND', status: 404, message: original.message };
  }
  if (original instanceof PreconditionFailedError) {
    return { code: 'PRECONDITION_FAILED', status: 412, message: original.message };
  }
  if (original instanceof ConflictError) {
    return {
      code: 'CONFLICT',
      status: 409,
      message: original.message,
      ...(original.holder === undefined ? {} : { extensions: { conflict: original.holder } }),
    };
  }
  if (original instanceof RegistryNotReadyError) {
    return { code: 'SERVICE_UNAVAILABLE', status: 503, message: original.message, retryAfter: 1 };
  }
  if (isDatabaseUnavailable(original)) {
    return {
      code: 'SERVICE_UNAVAILABLE',
      status: 503,
      message: 'the database is unavailable or too busy; try again shortly',
      retryAfter: 5,
    };
  }
  if (original === undefined || original instanceof GraphQLError) {
    return graphqlJsError(error);
  }
  if (original instanceof NotGraphqlError) {
    return { code: 'GRAPHQL_PARSE_FAILED', status: 400, message: original.message };
  }
  // graphql-js asserts (a plain Error) when a request body holds no operation at all.
  if (original.message === 'Must provide document.') {
    return { code: 'GRAPHQL_PARSE_FAILED', status: 400, message: 'the query holds no operation' };
  }
  const status = statusOf(original);
  if (status !== undefined && status >= 400 && status < 500) {
    return { code: 'BAD_REQUEST', status, message: original.message };
  }
  return { code: 'INTERNAL_SERVER_ERROR', status: 500, message: INTERNAL_MESSAGE };
}

/** graphql-js's own errors: syntax, validation, variable values; our limit rules set a code. */
function graphqlJsError(error: GraphQLError): Described {
  // Errors that did not pass through graphql-js's constructor (some variable coercions) have none.
  const { code, ...extensions } = (error.extensions ?? {}) as Record<string, unknown>;
  const described = { status: 400, message: error.message, extensions };
  if (typeof code === 'string') return { ...described, code };
  if (error.message.startsWith('Syntax Error')) {
    return { ...described, code: 'GRAPHQL_PARSE_FAILED' };
  }
  // graphql-js's wording for a variable whose value does not fit its type.
  if (error.message.startsWith('Variable "$')) return { ...described, code: 'BAD_USER_INPUT' };
  return { ...described, code: 'GRAPHQL_VALIDATION_FAILED' };
}

/** Field details as REST's problem `errors`, named after this query's arguments. */
function badUserInput(error: GraphQLError, message: string, problems: FieldProblem[]): Described {
  const names = argumentNames(error);
  const renamed = problems.map((problem) => ({
    field: names[problem.field] ?? problem.field,
    message: problem.message,
  }));
  const [only] = problems;
  // The domain writes "<field> <reason>"; say the argument's name instead.
  const text =
    problems.length === 1 && only && message === `${only.field} ${only.message}`
      ? `${renamed[0]?.field ?? only.field} ${only.message}`
      : message;
  return { code: 'BAD_USER_INPUT', status: 400, message: text, extensions: { errors: renamed } };
}

/**
 * The renaming for the field that failed: a field of Query itself, or a list of the Organization
 * that `org` answers (the only object with fields that take arguments).
 */
function argumentNames(error: GraphQLError): Record<string, string> {
  const node = error.nodes?.[0];
  if (node?.kind !== Kind.FIELD) return {};
  const table =
    error.path?.length === 1
      ? ARGUMENT_NAMES
      : error.path?.length === 2
        ? ORGANIZATION_ARGUMENT_NAMES
        : {};
  return table[node.name.value] ?? {};
}

function formatted(error: GraphQLError, description: Described): GraphQLFormattedError {
  const { message: _message, extensions: _extensions, ...position } = error.toJSON();
  return {
    message: description.message,
    ...position,
    extensions: { ...description.extensions, code: description.code },
  };
}

function statusOf(error: Error): number | undefined {
  const status: unknown = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}
