/**
 * GraphQL at /graphql (SPEC.md section 6): Mercurius with the schema, resolvers and loaders of this
 * folder, over the `reads`, `lookups` and `registry` the app decorates. Register it after the
 * REST routes.
 *
 * - POST /graphql takes `{ query, variables, operationName }` as JSON (or `application/graphql`).
 * - GET /graphql?query=... answers queries too (Mercurius refuses mutations over GET), so that
 *   a read can be a link. Keys travel in the Authorization header, never in cookies, so GET and
 *   simple POSTs are no CSRF risk.
 * - Mutations (./org-resolvers.ts) run one after the other, each its own registry call and
 *   transaction; nothing caches their answers (Mercurius's cache holds parsed queries only, loaders
 *   serve only the registry's reports), and answers holding a new key say `cache-control: no-store`.
 *   Batched requests (a JSON array of operations) stay off, Mercurius's default.
 * - The explorer is src/plugins/graphiql.ts at /graphiql (Mercurius's own loads a CDN).
 * - Errors: ./errors.ts; limits: ./query-limits.ts; Mercurius keeps parsed and validated queries
 *   in its LRU cache, so a repeated query skips both.
 */
import type { FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { formatGraphqlErrors, NotGraphqlError } from './errors.js';
import { loaders } from './loaders.js';
import { AnswerCache } from '../registry/answer-cache.js';
import { checkQueryLimits } from './query-limits.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.graphql.js';

/** Tokens of one query document: a 1000-item lookup needs about 1100. */
const MAX_QUERY_TOKENS = 10_000;

export async function graphqlPlugin(app: FastifyInstance): Promise<void> {
  await app.register(mercurius, {
    schema: typeDefs,
    resolvers: resolvers({
      reads: app.reads,
      lookups: app.lookups,
      registry: app.registry,
      orgs: app.orgs,
    }),
    loaders: loaders(app.reads),
    path: '/graphql',
    graphiql: false,
    routes: true,
    errorFormatter: formatGraphqlErrors,
    // A query seen before runs compiled (graphql-jit): the explorer's and a client's repeated
    // lookups cost a fraction of interpreted execution.
    jit: 1,
    // Parsed, validated and compiled queries kept (about 50 KB each compiled): bounded memory.
    cache: 256,
    graphql: { parseOptions: { maxTokens: MAX_QUERY_TOKENS } },
  });
  // A query that is not GraphQL, Mercurius tries as a JSON-encoded document AST: `"1"`, `"{}"` or a
  // crafted AST reached graphql-js's validation, a 500 (or worse). Only documents graphql-js parsed
  // (they carry a Location, which JSON cannot make) go on; anything else is the syntax error it was.
  // (By the class's name: under the test runner graphql-js is loaded twice, ESM and CommonJS.)
  app.graphql.addHook('preValidation', (_schema, document) => {
    if (!isParsedDocument(document)) {
      throw new NotGraphqlError();
    }
  });
  publicAnswerCache(app);
  // After Mercurius's validation, before execution: the limits need the request's variables.
  // Mercurius hands over the same parsed document for a repeated query: its verdict is kept per
  // document and variables.
  const verdicts = new WeakMap<object, Map<string, readonly Error[]>>();
  app.graphql.addHook('preExecution', (schema, document, _context, variables) => {
    let byVariables = verdicts.get(document);
    if (!byVariables) verdicts.set(document, (byVariables = new Map()));
    const key = variables ? JSON.stringify(variables) : '';
    let errors = byVariables.get(key);
    if (!errors) {
      errors = checkQueryLimits(schema, document, variables);
      if (byVariables.size < 100) byVariables.set(key, errors);
    }
    if (errors.length > 0) throw new AggregateError(errors, 'the query is over the limits');
  });
}

function isParsedDocument(document: unknown): boolean {
  const loc = (document as { loc?: unknown } | null)?.loc;
  if (typeof loc !== 'object' || loc === null) return false;
  const prototype = Object.getPrototypeOf(loc) as { constructor?: { name?: string } } | null;
  return prototype?.constructor?.name === 'Location';
}

/** Key-less query bodies kept up to this length; longer ones always execute. */
const MAX_CACHED_BODY = 4096;
const cacheKey = Symbol('graphql answer cache key');

declare module 'fastify' {
  interface FastifyRequest {
    [cacheKey]?: { key: string; version: string } | undefined;
  }
}

/**
 * Answers to public queries (no key, no mutation, no error) depend on the registry alone: their
 * JSON is kept per registry version, as REST keeps its serialized reports, and a repeated query
 * skips Mercurius (and its limits: the same query passed them). An answer is kept from its second
 * request on, at most 256 of them, and a sync starts afresh (../registry/answer-cache.ts).
 * Anything sent with a key always executes.
 */
function publicAnswerCache(app: FastifyInstance): void {
  const answers = new AnswerCache<string>(256);
  app.decorateRequest(cacheKey, undefined);
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.headers.authorization !== undefined) return;
    if (!app.registry.ready) return;
    if (typeof request.body !== 'object' || request.body === null) return;
    // A large body (up to the 1 MB limit) is not worth turning back into text to find out.
    if (Number(request.headers['content-length'] ?? 0) > MAX_CACHED_BODY) return;
    const key = JSON.stringify(request.body);
    if (key.length > MAX_CACHED_BODY) return;
    const version = app.reads.version;
    const kept = answers.find(version, key);
    if (kept !== undefined) return reply.type('application/json; charset=utf-8').send(kept);
    request[cacheKey] = { key, version };
  });
  app.graphql.addHook('preExecution', (_schema, document, context) => {
    const request = context.reply.request;
    const mutates = document.definitions.some(
      (definition) => definition.kind === 'OperationDefinition' && definition.operation !== 'query',
    );
    if (mutates) request[cacheKey] = undefined;
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const mark = request[cacheKey];
    // An answer with errors is never kept (in JSON text, `"errors":` can only be a key).
    if (
      mark &&
      reply.statusCode === 200 &&
      typeof payload === 'string' &&
      !payload.includes('"errors":')
    ) {
      answers.offer(mark.version, mark.key, payload);
    }
    done(null, payload);
  });
}
