import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../db/errors.js';
import { InvalidPortError } from '../domain/classification.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  UnauthenticatedError,
} from '../registry/errors.js';
import { RegistryNotReadyError } from '../registry/registry.js';
import { RegistrySourceError } from '../registry/registry-source.js';

export interface FieldError {
  field: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Sends an RFC 9457 problem: the one shape of every error answer. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  detail: string,
  errors?: FieldError[],
): FastifyReply {
  return reply
    .code(status)
    .header('x-request-id', reply.request.id)
    .type('application/problem+json')
    .send({
      type: 'about:blank',
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      instance: reply.request.url.split('?')[0],
      ...(errors && errors.length > 0 ? { errors } : {}),
    });
}

/** What Fastify's router refuses before any route runs, in words for the client. */
export function frameworkErrorDetail(code: string): string {
  if (code === 'FST_ERR_BAD_URL') return 'the URL is not validly percent-encoded';
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return 'a path parameter is too long';
  return 'the request could not be routed';
}

/** Fastify's validation errors, as field errors (`params/port` -> `port`). */
function validationFieldErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const missing = (issue.params as { missingProperty?: string }).missingProperty;
    const extra = (issue.params as { additionalProperty?: string }).additionalProperty;
    const field =
      [path, missing ?? extra].filter(Boolean).join('.') || (error.validationContext ?? 'request');
    const title = (issue as { parentSchema?: { title?: unknown } }).parentSchema?.title;
    // A pattern's own wording ("must match pattern ^(0|...") helps nobody; the schema's title says it.
    const message = extra
      ? `unknown field "${extra}"`
      : issue.keyword === 'pattern' && typeof title === 'string'
        ? `must be ${title}`
        : (issue.message ?? 'is invalid');
    return { field, message };
  });
}

async function problemErrors(app: FastifyInstance): Promise<void> {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(reply, 404, `no route for ${request.method} ${request.url.split('?')[0]}`),
  );

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation) {
      return sendProblem(
        reply,
        400,
        `invalid ${error.validationContext ?? 'request'}`,
        validationFieldErrors(error),
      );
    }
    if (error instanceof InvalidInputError) {
      return sendProblem(
        reply,
        error.kind === 'unprocessable' ? 422 : 400,
        error.message,
        error.errors,
      );
    }
    if (error instanceof InvalidPortError) {
      return sendProblem(reply, 400, error.message, [
        { field: error.field, message: error.reason },
      ]);
    }
    if (error instanceof NotFoundError) return sendProblem(reply, 404, error.message);
    if (error instanceof RegistrySourceError) {
      return sendProblem(reply, 422, error.message, [{ field: 'from', message: error.message }]);
    }
    if (error instanceof UnauthenticatedError) {
      const challenge = request.headers.authorization
        ? 'Bearer realm="port-registry", error="invalid_token"'
        : 'Bearer realm="port-registry"';
      reply.header('www-authenticate', challenge);
      return sendProblem(reply, 401, error.message);
    }
    if (error instanceof ForbiddenError) return sendProblem(reply, 403, error.message);
    if (error instanceof PreconditionFailedError) return sendProblem(reply, 412, error.message);
    if (error instanceof ConflictError) {
      return reply
        .code(409)
        .header('x-request-id', request.id)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          title: 'Conflict',
          status: 409,
          detail: error.message,
          instance: reply.request.url.split('?')[0],
          ...(error.holder === undefined ? {} : { conflict: error.holder }),
        });
    }
    if (error instanceof RegistryNotReadyError) {
      reply.header('retry-after', '1');
      return sendProblem(reply, 503, error.message);
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '5');
      return sendProblem(reply, 503, 'the database is unavailable or too busy; try again shortly');
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendProblem(reply, status, error.message);
    }
    // Anything else is our fault: log it whole, answer without stack or SQL (SPEC.md section 7).
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, 500, 'internal error; the request id is in the logs');
  });
}

export default fp(problemErrors, { name: 'problem-errors' });
