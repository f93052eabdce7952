import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problemResponses } from './schemas/common.js';
import {
  Classification,
  FreePorts,
  FreePortsQuery,
  PortParams,
  PortQuery,
  PortsListQuery,
  PortsPage,
} from './schemas/ports.js';
import { FREE_PORTS_WINDOW, MAX_FREE_PORTS, portReportKey } from '../registry/registry-reads.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../registry/pagination.js';
import { authenticate } from './org-access.js';
import { isPrivateLookup, notModified } from './registry-cache.js';
import { boundedInteger } from '../registry/pagination.js';

const errors = problemResponses(400, 503);

export const portRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const reads = app.reads;
  const reports = app.portReports;

  app.get(
    '/v1/ports/:port',
    {
      schema: {
        tags: ['ports'],
        summary: 'What is this port? Classification, IANA entries, status per protocol, notes',
        params: PortParams,
        querystring: PortQuery,
        response: { 200: Type.Ref('PortReport'), ...errors },
      },
    },
    async (request, reply) => {
      const port = boundedInteger(request.params.port, 'port', 0, 0, 65535);
      if (isPrivateLookup(reply, request.query)) {
        return app.lookups.port(() => authenticate(request), { ...request.query, port });
      }
      const version = reads.version;
      if (notModified(request, reply, version)) return reply;
      const protocol = request.query.protocol;
      return reports.answer(reply, version, portReportKey(port, protocol), () =>
        reads.port(port, protocol),
      );
    },
  );

  app.get(
    '/v1/ports/:port/classification',
    {
      schema: {
        tags: ['ports'],
        summary: 'What kind of port is this? RFC 6335 range, privileged, OS ephemeral ranges',
        params: PortParams,
        response: { 200: Classification, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const port = boundedInteger(request.params.port, 'port', 0, 0, 65535);
      reply.header('cache-control', 'public, max-age=86400');
      return reads.port(port).classification;
    },
  );

  app.get(
    '/v1/ports',
    {
      schema: {
        tags: ['ports'],
        summary: 'Registry entries overlapping a window of ports',
        querystring: PortsListQuery,
        response: { 200: PortsPage, ...errors },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const from = boundedInteger(query.from, 'from', 0, 0, 65535);
      const to = boundedInteger(query.to, 'to', 65535, 0, 65535);
      const limit = boundedInteger(query.limit, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
      const page = reads.ports({
        from,
        to,
        protocol: query.protocol,
        status: query.status,
        limit,
        cursor: query.cursor,
      });
      if (notModified(request, reply, reads.version)) return reply;
      return page;
    },
  );

  app.get(
    '/v1/free-ports',
    {
      schema: {
        tags: ['ports'],
        summary: 'Ports with no IANA assignment in a window (default 1024-32767)',
        description:
          'The default window stays below the ephemeral ranges of Linux (32768-60999), Windows and macOS (49152-65535). FreeBSD’s range starts at 10000.',
        querystring: FreePortsQuery,
        response: { 200: FreePorts, ...errors },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const window = {
        from: boundedInteger(query.from, 'from', FREE_PORTS_WINDOW.from, 0, 65535),
        to: boundedInteger(query.to, 'to', FREE_PORTS_WINDOW.to, 0, 65535),
        protocol: query.protocol ?? 'tcp',
        count: boundedInteger(query.count, 'count', 10, 1, MAX_FREE_PORTS),
      };
      if (isPrivateLookup(reply, query)) {
        return app.lookups.freePorts(() => authenticate(request), {
          ...window,
          org: query.org,
          scope: query.scope,
        });
      }
      const answer = reads.freePorts(window);
      if (notModified(request, reply, reads.version)) return reply;
      return answer;
    },
  );
};
