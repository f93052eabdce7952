import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RegistrySummary } from './schemas/registry.js';

export const registryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/registry',
    {
      schema: {
        tags: ['registry'],
        summary: 'Sources, last sync and entry counts of the registry',
        response: { 200: RegistrySummary },
      },
    },
    async () => app.registry.summary(),
  );
};
