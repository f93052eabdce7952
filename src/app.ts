import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from './db/database.js';
import { healthRoutes } from './http/health-routes.js';
import { registryRoutes } from './http/registry-routes.js';
import { graphqlPlugin } from './graphql/plugin.js';
import { assignmentRoutes } from './http/assignment-routes.js';
import { orgRoutes } from './http/org-routes.js';
import { portRoutes } from './http/port-routes.js';
import { SerializedAnswers } from './http/registry-cache.js';
import { deferredChildLogger } from './http/deferred-logger.js';
import { SHARED_SCHEMAS } from './http/schemas/shared.js';
import { serviceRoutes } from './http/service-routes.js';
import graphiql from './plugins/graphiql.js';
import metrics from './plugins/metrics.js';
import openApiDocs from './plugins/openapi-docs.js';
import protection, { type ProtectionOptions } from './plugins/protection.js';
import problemErrors, { frameworkErrorDetail, sendProblem } from './plugins/problem-errors.js';
import { MeasuringLogController, RequestStats } from './plugins/request-stats.js';
import { Lookups } from './registry/lookups.js';
import { OrganizationServices } from './registry/organization-services.js';
import { RegistryReads } from './registry/registry-reads.js';
import type { Registry } from './registry/registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    registry: Registry;
    database: Database;
    reads: RegistryReads;
    orgs: OrganizationServices;
    lookups: Lookups;
    /** PortReports serialized once per registry version, shared by the routes that send them. */
    portReports: SerializedAnswers;
    /** Answers per route, counted and timed as each completes (served at /metrics). */
    requestStats: RequestStats;
  }
}

export interface AppOptions {
  registry: Registry;
  database: Database;
  logger?: FastifyServerOptions['logger'];
  /** The operator key (ADMIN_API_KEY); without it no organisation can be created. */
  adminApiKey?: string | undefined;
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy?: boolean;
  /** Rate limits and CORS; the tests leave limits off unless they test them. */
  protection?: Partial<ProtectionOptions>;
}

/** Builds the Fastify instance; the server and the tests both start from here. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const requestStats = new RequestStats();
  const app = Fastify({
    // Without a logger Fastify never reports an answer's end, which the request metrics need.
    logger: options.logger || { level: 'silent' },
    // Fastify builds its per-request entries even when their level (info) is off.
    logController: new MeasuringLogController(requestStats, {
      disableRequestLogging: !logsRequests(options.logger),
    }),
    childLoggerFactory: deferredChildLogger,
    requestIdHeader: 'x-request-id',
    // Behind a reverse proxy, rate limits and logs need the client's address, not the proxy's.
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
    // During shutdown, requests already on an open connection are still served (SIGTERM drains).
    return503OnClosing: false,
    // Malformed URLs (bad percent-encoding, overlong parameters) get problem+json too.
    frameworkErrors: (error, _request, reply) =>
      sendProblem(reply, error.statusCode ?? 400, frameworkErrorDetail(error.code)),
    // No coercion: "1e3", " 80" or "80abc" must not quietly become numbers. allErrors stays off
    // (with it, a crafted body costs unbounded validation work).
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        allErrors: false,
        verbose: true,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('registry', options.registry);
  app.decorate('database', options.database);
  const reads = new RegistryReads(options.registry);
  app.decorate('reads', reads);
  const orgs = new OrganizationServices(
    options.database.prisma,
    options.registry,
    reads.portNotes,
    options.adminApiKey,
  );
  app.decorate('orgs', orgs);
  app.decorate('lookups', new Lookups(reads, orgs));
  app.decorate('portReports', new SerializedAnswers());
  app.decorate('requestStats', requestStats);
  app.decorateRequest('principal', null);
  // The OpenAPI collector sees only routes registered after it.
  await app.register(openApiDocs);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  await app.register(problemErrors);
  await app.register(protection, {
    rateLimitMax: 0,
    rateLimitWindowMs: 60_000,
    corsOrigins: [],
    ...options.protection,
  });
  await app.register(metrics);
  await app.register(healthRoutes);
  await app.register(registryRoutes);
  await app.register(portRoutes);
  await app.register(serviceRoutes);
  await app.register(orgRoutes);
  await app.register(assignmentRoutes);
  await app.register(graphqlPlugin);
  await app.register(graphiql);
  return app;
}

function logsRequests(logger: AppOptions['logger']): boolean {
  if (logger === true) return true;
  if (!logger || typeof logger !== 'object') return false;
  return ['info', 'debug', 'trace'].includes(logger.level ?? 'info');
}
