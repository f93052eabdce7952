import { readFileSync } from 'node:fs';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import request from 'supertest';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Problem } from '../../src/http/schemas/common.js';
import openApiDocs from '../../src/plugins/openapi-docs.js';
import problemErrors from '../../src/plugins/problem-errors.js';
import { validateOpenApi } from '../support/openapi.js';
import { externalReferences, pageReferences } from './page-references.js';

const Classification = Type.Object(
  { range: Type.Union([Type.Literal('system'), Type.Literal('user'), Type.Literal('dynamic')]) },
  { $id: 'SampleClassification', description: 'The kind of port' },
);
const PortReport = Type.Object(
  { port: Type.Integer({ minimum: 0, maximum: 65535 }), classification: Classification },
  { description: 'A port' },
);
const NewAssignment = Type.Object(
  {
    serviceName: Type.String(),
    port: Type.Integer(),
    note: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'SampleNewAssignment', additionalProperties: false },
);

/** The docs plugin before a few routes shaped like the service's own. */
async function sampleApp(): Promise<FastifyInstance> {
  // The validation settings of src/app.ts: unknown body fields are refused, not dropped.
  const app = Fastify({
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(openApiDocs);
  await app.register(problemErrors);
  app.get(
    '/v1/ports/:port',
    {
      schema: {
        tags: ['ports'],
        summary: 'What runs on a port',
        params: Type.Object({ port: Type.String({ pattern: '^[0-9]{1,5}$' }) }),
        querystring: Type.Object({ protocol: Type.Optional(Type.String()) }),
        response: { 200: PortReport, 400: Problem, 404: Problem },
      },
    },
    async (req) => ({
      port: Number(req.params.port),
      classification: { range: 'system' as const },
    }),
  );
  app.get(
    '/v1/ports',
    {
      schema: {
        tags: ['ports'],
        response: { 200: Type.Object({ items: Type.Array(PortReport) }), 400: Problem },
      },
    },
    async () => ({ items: [] }),
  );
  app.post(
    '/v1/orgs/:org/assignments',
    {
      schema: {
        tags: ['organisations'],
        security: [{ apiKey: [] }],
        params: Type.Object({ org: Type.String() }),
        body: NewAssignment,
        response: { 201: Classification, 409: Problem, 422: Problem },
      },
    },
    async (_req, reply) => reply.code(201).send({ range: 'user' }),
  );
  await app.ready();
  return app;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

interface OperationObject {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

describe('openapi-docs plugin', () => {
  let app: FastifyInstance;
  let document: OpenApiDocument;
  beforeAll(async () => {
    app = await sampleApp();
    const response = await request(app.server).get('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    document = response.body as OpenApiDocument;
  });
  afterAll(async () => app.close());

  it('serves an OpenAPI 3.1 document that @readme/openapi-parser finds valid', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('Port Registry');
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(document.info.version).toBe(manifest.version);
    expect(await validateOpenApi(document)).toEqual([]);
  });

  it('declares the tags and the bearer API key scheme', () => {
    expect(document.tags.map((tag) => tag.name)).toEqual([
      'registry',
      'ports',
      'services',
      'organisations',
      'operations',
      'graphql',
    ]);
    expect(document.components.securitySchemes.apiKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('emits a schema with an $id once, as a component, and refers to it as problem+json', () => {
    expect(document.components.schemas.Problem).toMatchObject({
      type: 'object',
      required: ['type', 'title', 'status'],
    });
    const responses = document.paths['/v1/ports/{port}']?.get?.responses;
    for (const status of ['400', '404']) {
      expect(responses?.[status]).toEqual({
        description: 'RFC 9457 problem details',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      });
    }
    expect(JSON.stringify(document.paths)).not.toContain('"$id"');
  });

  it('names nested and body schemas with an $id after it, never def-N', () => {
    const operation = document.paths['/v1/orgs/{org}/assignments']?.post;
    expect(operation?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/SampleNewAssignment',
    });
    expect(operation?.responses['201']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/SampleClassification',
    });
    const report = document.paths['/v1/ports/{port}']?.get?.responses['200'];
    expect(JSON.stringify(report)).toContain('"$ref":"#/components/schemas/SampleClassification"');
    expect(Object.keys(document.components.schemas).sort()).toEqual([
      'Problem',
      'SampleClassification',
      'SampleNewAssignment',
    ]);
  });

  it('leaves its own routes out of the document', () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      '/v1/orgs/{org}/assignments',
      '/v1/ports',
      '/v1/ports/{port}',
    ]);
  });

  it('still validates and serializes with the schemas it rewrites for the document', async () => {
    const report = await request(app.server).get('/v1/ports/443');
    expect(report.body).toEqual({ port: 443, classification: { range: 'system' } });
    const created = await request(app.server)
      .post('/v1/orgs/acme/assignments')
      .send({ serviceName: 'web', port: 8080, note: null });
    expect(created.status).toBe(201);
    const refused = await request(app.server)
      .post('/v1/orgs/acme/assignments')
      .send({ serviceName: 'web', port: 8080, note: null, extra: 1 });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([{ field: 'extra', message: 'unknown field "extra"' }]);
  });

  it('serves the docs UI at /docs with every asset from this server and a same-origin CSP', async () => {
    const page = await request(app.server).get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(externalReferences(page.text)).toEqual([]);
    const references = pageReferences(page.text);
    expect(references.length).toBeGreaterThanOrEqual(4);
    for (const reference of references) {
      const asset = await request(app.server).get(new URL(reference, 'http://x/docs').pathname);
      expect({ reference, status: asset.status }).toEqual({ reference, status: 200 });
    }
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https:|upgrade-insecure-requests|validator\.swagger\.io/);
  });

  it('points the docs UI at a copy of the same document', async () => {
    const initializer = await request(app.server).get('/docs/static/swagger-initializer.js');
    expect(initializer.text).toContain("resolveUrl('./json')");
    expect(initializer.text).toContain('validatorUrl: null');
    const json = await request(app.server).get('/docs/json');
    expect(json.body).toEqual(document);
  });
});

describe('openapi-docs plugin with shared schemas and Mercurius', () => {
  let app: FastifyInstance;
  let document: OpenApiDocument;
  beforeAll(async () => {
    // As src/app.ts does it: schemas added once with addSchema, routes refer to them by $id.
    app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    await app.register(openApiDocs);
    app.addSchema(Problem);
    app.addSchema(Classification);
    app.get(
      '/v1/resolve/:name',
      {
        schema: {
          tags: ['services'],
          produces: ['application/json', 'text/plain'],
          params: Type.Object({ name: Type.String() }),
          response: {
            200: Type.Object({ port: Type.Integer(), kind: Type.Ref('SampleClassification') }),
            404: Type.Ref('Problem', { description: 'No such service' }),
          },
        },
      },
      async () => ({ port: 80, kind: { range: 'system' as const } }),
    );
    await app.register(mercurius, {
      schema: 'type Query { port(number: Int!): Int }',
      resolvers: { Query: { port: (_root: unknown, args: { number: number }) => args.number } },
    });
    await app.ready();
    document = (await request(app.server).get('/openapi.json')).body as OpenApiDocument;
  });
  afterAll(async () => app.close());

  it('is valid', async () => {
    expect(await validateOpenApi(document)).toEqual([]);
  });

  it('names shared schemas by $id and answers a Problem reference as problem+json only', () => {
    expect(Object.keys(document.components.schemas).sort()).toEqual([
      'Problem',
      'SampleClassification',
    ]);
    const responses = document.paths['/v1/resolve/{name}']?.get?.responses;
    expect(responses?.['404']).toEqual({
      description: 'No such service',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    expect(Object.keys(responses?.['200']?.content ?? {})).toEqual([
      'application/json',
      'text/plain',
    ]);
  });

  it("documents Mercurius's /graphql routes under the graphql tag", () => {
    const graphql = document.paths['/graphql'] as Record<string, { tags?: string[] }> | undefined;
    expect(graphql?.get?.tags).toEqual(['graphql']);
    expect(graphql?.post?.tags).toEqual(['graphql']);
  });
});

describe('validateOpenApi', () => {
  it('reports a reference that does not resolve', async () => {
    const errors = await validateOpenApi({
      openapi: '3.1.0',
      info: { title: 'broken', version: '1' },
      paths: {
        '/x': {
          get: {
            responses: {
              200: {
                description: 'x',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Gone' } } },
              },
            },
          },
        },
      },
    });
    expect(errors.join('\n')).toMatch(/Gone/);
  });
});
