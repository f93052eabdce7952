import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthStatus } from './schemas/registry.js';

/** Liveness (the process answers) and readiness (database reachable and registry loaded). */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: 200 while the process answers at all',
        response: { 200: HealthStatus },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: 200 when the database answers and the registry is loaded, else 503',
        response: { 200: HealthStatus, 503: HealthStatus },
      },
    },
    async (_request, reply) => {
      const registry = app.registry.ready;
      const database = await app.database.isReachable();
      const ok = registry && database;
      if (!ok) reply.code(503).header('retry-after', '1');
      return { status: ok ? 'ok' : 'unavailable', checks: { database, registry } };
    },
  );
};
