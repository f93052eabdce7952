import cors from '@fastify/cors';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hashKey } from '../registry/api-keys.js';
import { bearerToken } from '../http/org-access.js';

export interface ProtectionOptions {
  /** Requests per window per key (or per address without a key); 0 turns limits off. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Origins allowed to call from a browser; empty: no CORS headers at all. */
  corsOrigins: string[];
}

/** Security headers, CORS and rate limits (SPEC.md section 7). */
async function protection(app: FastifyInstance, options: ProtectionOptions): Promise<void> {
  // helmet decides the headers; they do not depend on the request, so its answer is taken once and
  // set with every reply. (@fastify/helmet rebuilds the middleware and re-parses the policy for
  // every request, which costs more than the lookup it protects.)
  const securityHeaders = await headersOf(
    helmet({
      // JSON answers need no sources at all; the docs and explorer pages send their own policy.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      // What remains is what a JSON API needs (OWASP REST Security): CSP, nosniff and HSTS. The
      // rest only matters to HTML pages or to cookies, which this service has none of, and every
      // header costs the server and each client on every lookup.
      crossOriginResourcePolicy: false,
      referrerPolicy: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      originAgentCluster: false,
      xXssProtection: false,
      crossOriginOpenerPolicy: false,
      // CSP frame-ancestors 'none' says the same to every current browser.
      xFrameOptions: false,
    }),
  );
  // One hook for the headers every answer carries. A caller that names its request
  // (`x-request-id`) gets the name back; every problem answer names its request either way
  // (sendProblem), so that an error can be quoted and found in the logs.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders);
    if (request.headers['x-request-id'] !== undefined) reply.header('x-request-id', request.id);
    done();
  });
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: options.corsOrigins.includes('*') ? '*' : options.corsOrigins,
      methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'if-match',
        'if-none-match',
        'idempotency-key',
        'x-request-id',
      ],
      exposedHeaders: ['etag', 'retry-after', 'x-request-id', 'idempotent-replayed'],
    });
  }
  if (options.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: options.rateLimitMax,
      timeWindow: options.rateLimitWindowMs,
      // A key is limited as itself wherever it comes from; without one, the address is.
      keyGenerator: (request: FastifyRequest) => {
        const token = bearerToken(request);
        return token ? `key:${hashKey(token).slice(0, 32)}` : request.ip;
      },
      // The limit headers on every answer cost more than they tell; a 429 still says when to retry.
      addHeadersOnExceeding: {
        'x-ratelimit-limit': false,
        'x-ratelimit-remaining': false,
        'x-ratelimit-reset': false,
      },
      errorResponseBuilder: (_request, context) => {
        const error = new Error(
          `rate limit of ${context.max} requests per ${context.after} exceeded`,
        );
        (error as Error & { statusCode: number }).statusCode = context.statusCode;
        return error;
      },
    });
  }
}

type Middleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** The headers a middleware sets, read off a response that is never sent. */
function headersOf(middleware: Middleware): Promise<Record<string, string>> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  return new Promise((resolve, reject) => {
    middleware(request, response, (error) => {
      if (error) return reject(error);
      const headers = response.getHeaders();
      resolve(
        Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)])),
      );
    });
  });
}

export default fp(protection, { name: 'protection' });
