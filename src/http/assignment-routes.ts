import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../registry/pagination.js';
import { PreconditionFailedError } from '../registry/errors.js';
import {
  actorOf,
  assignmentEtag,
  authenticate,
  ifMatchVersion,
  organizationFor,
} from './org-access.js';
import { boundedInteger } from '../registry/pagination.js';
import { problemResponses } from './schemas/common.js';
import {
  AllocationBody,
  AssignmentListQuery,
  CreateAssignmentBody,
  CreateReservationBody,
  OrgItemParams,
  OrgParams,
  ReservationListQuery,
  UpdateAssignmentBody,
} from './schemas/orgs.js';

const SECURED = [{ apiKey: [] }];

/** Assignments, reservations and allocations of one organisation. */
export const assignmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const orgs = app.orgs;
  app.addHook('onRequest', async (request) => {
    await authenticate(request);
  });

  app.get(
    '/v1/orgs/:org/assignments',
    {
      schema: {
        tags: ['organisations'],
        summary: 'The organisation’s assignments, filtered, with cursor pages (read scope)',
        security: SECURED,
        params: OrgParams,
        querystring: AssignmentListQuery,
        response: { 200: Type.Ref('AssignmentPage'), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.org, 'read');
      const query = request.query;
      return orgs.assignments.list(org, {
        scope: query.scope,
        protocol: query.protocol,
        port:
          query.port === undefined ? undefined : boundedInteger(query.port, 'port', 0, 0, 65535),
        service: query.service,
        limit: boundedInteger(query.limit, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
        cursor: query.cursor,
      });
    },
  );

  app.post(
    '/v1/orgs/:org/assignments',
    {
      schema: {
        tags: ['organisations'],
        summary:
          'Assign a port or range to a service (write scope); 409 on overlap, warnings on risks',
        security: SECURED,
        params: OrgParams,
        body: CreateAssignmentBody,
        response: {
          201: Type.Ref('AssignmentResult'),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const org = await organizationFor(request, request.params.org, 'write');
      const result = await orgs.assignments.create(org, actorOf(request), request.body);
      return reply.code(201).header('etag', assignmentEtag(result.assignment)).send(result);
    },
  );

  app.get(
    '/v1/orgs/:org/assignments/:id',
    {
      schema: {
        tags: ['organisations'],
        summary: 'One assignment, with its version as ETag (read scope)',
        security: SECURED,
        params: OrgItemParams,
        response: { 200: Type.Ref('Assignment'), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const org = await organizationFor(request, request.params.org, 'read');
      const assignment = await orgs.assignments.get(org, Number(request.params.id));
      reply.header('etag', assignmentEtag(assignment)).header('cache-control', 'private, no-cache');
      return assignment;
    },
  );

  app.patch(
    '/v1/orgs/:org/assignments/:id',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Change an assignment (write scope); If-Match with the ETag, 412 when stale',
        security: SECURED,
        params: OrgItemParams,
        body: UpdateAssignmentBody,
        response: {
          200: Type.Ref('AssignmentResult'),
          ...problemResponses(400, 401, 403, 404, 409, 412, 422),
        },
      },
    },
    async (request, reply) => {
      const org = await organizationFor(request, request.params.org, 'write');
      const id = Number(request.params.id);
      const result = await orgs.assignments.update(
        org,
        actorOf(request),
        id,
        request.body,
        expectedVersion(request, id),
      );
      return reply.header('etag', assignmentEtag(result.assignment)).send(result);
    },
  );

  app.delete(
    '/v1/orgs/:org/assignments/:id',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Delete an assignment (write scope); If-Match honoured',
        security: SECURED,
        params: OrgItemParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...problemResponses(400, 401, 403, 404, 412),
        },
      },
    },
    async (request, reply) => {
      const org = await organizationFor(request, request.params.org, 'write');
      const id = Number(request.params.id);
      await orgs.assignments.delete(org, actorOf(request), id, expectedVersion(request, id));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/orgs/:org/allocations',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Allocate the lowest free port of a window or reservation (write scope)',
        description:
          'Default window 1024-32767. Skips IANA-assigned and reserved ports, the organisation’s assignments and other reservations of the scope and protocol. Send an `Idempotency-Key` header to make retries safe: the same key returns the first answer; the same key with a different body answers 422. 409 when the window is exhausted.',
        security: SECURED,
        params: OrgParams,
        body: AllocationBody,
        response: {
          201: Type.Ref('AssignmentResult'),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const org = await organizationFor(request, request.params.org, 'write');
      const header = request.headers['idempotency-key'];
      const key =
        typeof header === 'string' ? { key: header, field: 'Idempotency-Key' } : undefined;
      const allocation = await orgs.allocations.allocate(org, actorOf(request), request.body, key);
      if (allocation.replayed) reply.header('idempotent-replayed', 'true');
      return reply
        .code(201)
        .header('etag', assignmentEtag(allocation.assignment))
        .send({ assignment: allocation.assignment, warnings: allocation.warnings });
    },
  );

  app.get(
    '/v1/orgs/:org/reservations',
    {
      schema: {
        tags: ['organisations'],
        summary: 'The organisation’s reservations (read scope)',
        security: SECURED,
        params: OrgParams,
        querystring: ReservationListQuery,
        response: { 200: Type.Ref('ReservationPage'), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.org, 'read');
      return orgs.reservations.list(org, {
        scope: request.query.scope,
        protocol: request.query.protocol,
        limit: boundedInteger(request.query.limit, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
        cursor: request.query.cursor,
      });
    },
  );

  app.get(
    '/v1/orgs/:org/reservations/:id',
    {
      schema: {
        tags: ['organisations'],
        summary: 'One reservation (read scope)',
        security: SECURED,
        params: OrgItemParams,
        response: { 200: Type.Ref('Reservation'), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.org, 'read');
      return orgs.reservations.get(org, Number(request.params.id));
    },
  );

  app.post(
    '/v1/orgs/:org/reservations',
    {
      schema: {
        tags: ['organisations'],
        summary:
          'Reserve a block of ports of a scope and protocol for a team or purpose (write scope)',
        security: SECURED,
        params: OrgParams,
        body: CreateReservationBody,
        response: {
          201: Type.Ref('Reservation'),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const org = await organizationFor(request, request.params.org, 'write');
      return reply
        .code(201)
        .send(await orgs.reservations.create(org, actorOf(request), request.body));
    },
  );

  app.delete(
    '/v1/orgs/:org/reservations/:id',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Release a reservation (write scope)',
        security: SECURED,
        params: OrgItemParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const org = await organizationFor(request, request.params.org, 'write');
      await orgs.reservations.delete(org, actorOf(request), Number(request.params.id));
      return reply.code(204).send(null);
    },
  );
};

/** The version an If-Match names; a tag of another assignment can never match. */
function expectedVersion(
  request: Parameters<typeof ifMatchVersion>[0],
  id: number,
): number | undefined {
  const version = ifMatchVersion(request, id);
  if (version === -1) throw new PreconditionFailedError('If-Match does not name this assignment');
  return version;
}
