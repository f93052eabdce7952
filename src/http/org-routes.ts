import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../registry/pagination.js';
import { listAudit } from '../registry/audit.js';
import { organizationView } from '../registry/organizations.js';
import { actorOf, authenticate, organizationFor } from './org-access.js';
import { boundedInteger } from '../registry/pagination.js';
import { PaginationQuery, problemResponses } from './schemas/common.js';
import { CreateKeyBody, CreateOrgBody, OrgItemParams, OrgParams } from './schemas/orgs.js';
import type { Scope } from '../registry/principal.js';

const SECURED = [{ apiKey: [] }];

/** Organisations, their keys and their audit log (SPEC.md section 5, "Organisation writes"). */
export const orgRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const orgs = app.orgs;
  // Authentication comes before validation: without a valid key, the answer is 401 whatever the body.
  app.addHook('onRequest', async (request) => {
    await authenticate(request);
  });

  app.post(
    '/v1/orgs',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Create an organisation (operator key); answers its first admin key, once',
        security: SECURED,
        body: CreateOrgBody,
        response: { 201: Type.Ref('CreatedOrg'), ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const created = await orgs.organizations.create(
        request.principal!,
        actorOf(request),
        request.body,
      );
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.get(
    '/v1/orgs/:org',
    {
      schema: {
        tags: ['organisations'],
        summary: 'An organisation (read scope)',
        security: SECURED,
        params: OrgParams,
        response: { 200: Type.Ref('Organization'), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.org, 'read');
      return organizationView(org);
    },
  );

  app.get(
    '/v1/orgs/:org/keys',
    {
      schema: {
        tags: ['organisations'],
        summary: 'The organisation’s API keys (admin scope); secrets are never shown again',
        security: SECURED,
        params: OrgParams,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('ApiKey')) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.org, 'admin');
      return { items: await orgs.keys.list(org.id) };
    },
  );

  app.post(
    '/v1/orgs/:org/keys',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Create an API key (admin scope); the key is shown once',
        security: SECURED,
        params: OrgParams,
        body: CreateKeyBody,
        response: { 201: Type.Ref('CreatedKey'), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const org = await organizationFor(request, request.params.org, 'admin');
      const created = await orgs.organizations.createKey(org, actorOf(request), {
        ...request.body,
        scopes: request.body.scopes as Scope[],
      });
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.delete(
    '/v1/orgs/:org/keys/:id',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Revoke an API key (admin scope)',
        security: SECURED,
        params: OrgItemParams,
        response: { 200: Type.Ref('ApiKey'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.org, 'admin');
      return orgs.organizations.revokeKey(org, actorOf(request), Number(request.params.id));
    },
  );

  app.get(
    '/v1/orgs/:org/audit',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Every write to the organisation, newest first (admin scope)',
        security: SECURED,
        params: OrgParams,
        querystring: Type.Object(PaginationQuery, { additionalProperties: false }),
        response: { 200: Type.Ref('AuditPage'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.org, 'admin');
      const limit = boundedInteger(request.query.limit, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
      return listAudit(orgs.prisma, org.id, limit, request.query.cursor);
    },
  );
};
