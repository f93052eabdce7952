import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../registry/pagination.js';
import { authenticate } from './org-access.js';
import { isPrivateLookup, notModified, sendJson } from './registry-cache.js';
import { portReportKey } from '../registry/registry-reads.js';
import { boundedInteger } from '../registry/pagination.js';
import { problemResponses, ProtocolSchema } from './schemas/common.js';
import {
  LookupAnswer,
  LookupBody,
  LookupServices,
  SearchQuery,
  ServiceParams,
  ServiceQuery,
  ServiceSearchPage,
} from './schemas/services.js';

// Schemas for reply.compileSerializationSchema (Fastify caches what it compiles per schema).
const PortReportRef: Record<string, unknown> = { $ref: 'PortReport' };
const LookupServicesSchema = LookupServices as unknown as Record<string, unknown>;

export const serviceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const reads = app.reads;

  app.get(
    '/v1/services/:name',
    {
      schema: {
        tags: ['services'],
        summary: 'Which ports does this service use? Aliases answer with their primary name',
        params: ServiceParams,
        querystring: ServiceQuery,
        response: { 200: Type.Ref('ServiceReport'), ...problemResponses(400, 404, 503) },
      },
    },
    async (request, reply) => {
      const query = { ...request.query, name: request.params.name };
      if (isPrivateLookup(reply, query))
        return app.lookups.service(() => authenticate(request), query);
      const report = reads.service(query.name, query.protocol);
      if (notModified(request, reply, reads.version)) return reply;
      return report;
    },
  );

  app.get(
    '/v1/resolve/:name',
    {
      schema: {
        tags: ['services'],
        summary: 'The one port a client should connect to (JSON, or the bare number as text/plain)',
        description:
          'Default protocol tcp. With `Accept: text/plain` the answer is the port number alone, for scripts: `port=$(curl -sf -H "Accept: text/plain" .../v1/resolve/postgresql)`.',
        params: ServiceParams,
        querystring: ServiceQuery,
        produces: ['application/json', 'text/plain'],
        response: {
          200: {
            description: 'The port',
            content: {
              'application/json': { schema: Type.Ref('Resolution') },
              'text/plain': { schema: Type.String({ examples: ['5432'] }) },
            },
          },
          ...problemResponses(400, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const query = { ...request.query, name: request.params.name };
      const text = wantsText(request.headers.accept);
      reply.header('vary', 'Accept');
      const personal = isPrivateLookup(reply, query);
      const resolution = personal
        ? await app.lookups.resolve(() => authenticate(request), query)
        : reads.resolve(query.name, query.protocol);
      if (!personal && notModified(request, reply, reads.version, text ? 'text' : '')) return reply;
      if (text) return reply.type('text/plain; charset=utf-8').send(`${resolution.port}\n`);
      return resolution;
    },
  );

  app.get(
    '/v1/services',
    {
      schema: {
        tags: ['services'],
        summary: 'Search names and descriptions: exact name first, then prefix, then text',
        querystring: SearchQuery,
        response: { 200: ServiceSearchPage, ...problemResponses(400, 503) },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const page = reads.search({
        query: query.q,
        protocol: query.protocol,
        limit: boundedInteger(query.limit, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
        cursor: query.cursor,
      });
      if (notModified(request, reply, reads.version)) return reply;
      return page;
    },
  );

  app.post(
    '/v1/lookup',
    {
      schema: {
        tags: ['ports', 'services'],
        summary: 'Many ports and services at once (up to 1000 items); a bad item fails alone',
        body: LookupBody,
        response: { 200: LookupAnswer, ...problemResponses(400, 503) },
      },
    },
    async (request, reply) => {
      // Each port's report is the text the port route sends (serialized once per registry
      // version), so a batch of 1000 ports costs string joins rather than 1000 reports built and
      // serialized. The services half goes through its schema as usual.
      const version = reads.version;
      const reportSerializer = reply.compileSerializationSchema(PortReportRef);
      const answer = reads.lookupWith(request.body, (port, protocol) =>
        app.portReports.text(version, portReportKey(port, protocol), () =>
          reportSerializer(reads.port(port, protocol) as unknown as Record<string, unknown>),
        ),
      );
      const ports = answer.ports.map((item) =>
        item.ok
          ? `{"query":${JSON.stringify(item.query)},"ok":true,"result":${item.result}}`
          : JSON.stringify(item),
      );
      const services = reply.compileSerializationSchema(LookupServicesSchema)({
        services: answer.services,
      });
      return sendJson(reply, `{"ports":[${ports.join(',')}],${services.slice(1)}`);
    },
  );

  app.get(
    '/v1/ranges',
    {
      schema: {
        tags: ['ports'],
        summary: 'RFC 6335 ranges, OS ephemeral ranges, other notable bands, the privileged limit',
        response: { 200: Type.Ref('RangesTable') },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=86400');
      return reads.ranges();
    },
  );

  app.get(
    '/v1/export/services',
    {
      schema: {
        tags: ['services'],
        summary: 'The registry in /etc/services format',
        querystring: Type.Object(
          {
            protocol: Type.Optional(ProtocolSchema),
            org: Type.Optional(Type.String({ maxLength: 63 })),
            scope: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        produces: ['text/plain'],
        response: {
          200: {
            description: '`name port/protocol aliases # description` lines',
            content: { 'text/plain': { schema: Type.String() } },
          },
          ...problemResponses(400, 503),
        },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const personal = isPrivateLookup(reply, query);
      const text = personal
        ? await app.lookups.exportServices(() => authenticate(request), query)
        : reads.exportServices(query.protocol);
      if (!personal && notModified(request, reply, reads.version, 'services')) return reply;
      return reply.type('text/plain; charset=utf-8').send(text);
    },
  );
};

/** text/plain when the client asks for it before (or instead of) JSON. */
function wantsText(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase());
  const text = types.indexOf('text/plain');
  const json = types.indexOf('application/json');
  return text !== -1 && (json === -1 || text < json);
}
