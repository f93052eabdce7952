import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from './db/database.js';
import { healthRoutes } from './http/health-routes.js';
import { registryRoutes } from './http/registry-routes.js';
import { portRoutes } from './http/port-routes.js';
import { SHARED_SCHEMAS } from './http/schemas/shared.js';
import { serviceRoutes } from './http/service-routes.js';
import problemErrors, { frameworkErrorDetail, sendProblem } from './plugins/problem-errors.js';
import { RegistryReads } from './registry/registry-reads.js';
import type { Registry } from './registry/registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    registry: Registry;
    database: Database;
    reads: RegistryReads;
  }
}

export interface AppOptions {
  registry: Registry;
  database: Database;
  logger?: FastifyServerOptions['logger'];
}

/** Builds the Fastify instance; the server and the tests both start from here. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    requestIdHeader: 'x-request-id',
    bodyLimit: 1024 * 1024,
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
  app.decorate('reads', new RegistryReads(options.registry));
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  await app.register(problemErrors);
  await app.register(healthRoutes);
  await app.register(registryRoutes);
  await app.register(portRoutes);
  await app.register(serviceRoutes);
  return app;
}
