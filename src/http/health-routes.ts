import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthStatus } from './schemas/registry.js';

/**
 * Liveness (the process answers) and readiness (database reachable and registry loaded). Probes
 * are never rate limited.
 */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health/live',
    {
      config: { rateLimit: false },
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
      config: { rateLimit: false },
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
