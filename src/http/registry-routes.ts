import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ForbiddenError, InvalidInputError } from '../registry/errors.js';
import { authenticate } from './org-access.js';
import { problemResponses } from './schemas/common.js';
import { RegistrySummary, SyncBody, SyncReport } from './schemas/registry.js';

export const registryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/registry',
    {
      schema: {
        tags: ['registry'],
        summary: 'Sources, last sync and entry counts of the registry',
        response: { 200: RegistrySummary, ...problemResponses(503) },
      },
    },
    async () => app.registry.summary(),
  );

  app.post(
    '/v1/registry/sync',
    {
      schema: {
        tags: ['registry', 'operations'],
        summary: 'Sync the registry from an IANA file at a URL (operator key)',
        description:
          'The same diff as `npm run sync`: one transaction, re-running the same file changes nothing, every instance reloads. Only http(s) URLs: the server does not read its own files for callers.',
        security: [{ apiKey: [] }],
        body: SyncBody,
        response: { 200: SyncReport, ...problemResponses(400, 401, 403, 422, 503) },
      },
    },
    async (request) => {
      const principal = await authenticate(request);
      if (principal.kind !== 'operator')
        throw new ForbiddenError('only the operator key may sync the registry');
      const { from, format, dryRun } = request.body;
      if (!/^https?:\/\//i.test(from)) {
        throw new InvalidInputError(
          'invalid sync',
          [{ field: 'from', message: 'must be an http(s) URL' }],
          'unprocessable',
        );
      }
      return app.registry.sync({ from, format, dryRun: dryRun ?? false, timeoutMs: 60_000 });
    },
  );
};
