import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from './db/database.js';
import { healthRoutes } from './http/health-routes.js';
import { registryRoutes } from './http/registry-routes.js';
import problemErrors from './plugins/problem-errors.js';
import type { Registry } from './registry/registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    registry: Registry;
    database: Database;
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
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('registry', options.registry);
  app.decorate('database', options.database);

  await app.register(problemErrors);
  await app.register(healthRoutes);
  await app.register(registryRoutes);
  return app;
}
