import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The OpenAPI 3.1 document of every route (GET /openapi.json) and the docs UI (GET /docs), both
 * served from this process: the UI's assets ship inside @fastify/swagger-ui, nothing comes from
 * a CDN. Register before the routes: @fastify/swagger collects them in an onRoute hook.
 */

export interface OpenApiDocsOptions {
  /** `info.version`; defaults to the version in package.json. */
  version?: string;
}

type JsonSchema = Record<string, unknown>;

const GRAPHQL_PATH = '/graphql';

/** The `$id` of the problem+json schema (src/http/schemas/common.ts). */
const PROBLEM_SCHEMA_ID = 'Problem';
const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** OpenAPI 3.1 section 4.8.7.1: component names match this. */
const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

/** What the docs UI page and its assets may load: this origin only (data: for fonts and logo). */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
].join('; ');

const DESCRIPTION = [
  "The IANA Service Name and Transport Protocol Port Number Registry, port classification, and each organisation's own port assignments beside them.",
  '',
  'Reads need no key. Organisation routes need `Authorization: Bearer <key>`: an organisation key (shown once, when created) or the operator key.',
  'Every error is an RFC 9457 problem (`application/problem+json`). Lists are paged with `limit` and `cursor`; the answer carries `nextCursor`.',
  '',
  'The same operations are available over GraphQL at `/graphql`; try them in the explorer at `/graphiql`.',
].join('\n');

const TAGS = [
  { name: 'registry', description: 'The IANA registry: its sources, counts and sync' },
  { name: 'ports', description: 'Port reports, classification, ranges and free ports' },
  { name: 'services', description: 'Service names: reports, resolution, search and export' },
  {
    name: 'organisations',
    description: 'Organisations, their keys, assignments, reservations, allocations and audit log',
  },
  { name: 'operations', description: 'Health, metrics and this documentation' },
  { name: 'graphql', description: 'The GraphQL endpoint' },
];

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The component name of a schema that has a usable `$id`, else null. */
function componentName(schema: unknown): string | null {
  if (!isObject(schema) || typeof schema.$id !== 'string') return null;
  return COMPONENT_NAME.test(schema.$id) ? schema.$id : null;
}

function componentRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

type Found = (name: string, schema: JsonSchema) => void;

/** `{ content: { <media type>: { schema } } }` with each `$id` schema replaced by a reference. */
function referToComponentsInContent(content: JsonSchema, found: Found): JsonSchema {
  const result: JsonSchema = {};
  for (const [mediaType, media] of Object.entries(content)) {
    const name = isObject(media) ? componentName(media.schema) : null;
    if (name && isObject(media) && isObject(media.schema)) {
      found(name, media.schema);
      result[mediaType] = { ...media, schema: componentRef(name) };
    } else {
      result[mediaType] = media;
    }
  }
  return result;
}

/** A response as OpenAPI has it: a description and the schema under its one media type. */
function describedResponse(
  response: JsonSchema,
  schema: JsonSchema,
  mediaType: string,
): JsonSchema {
  const description =
    typeof response.description === 'string' ? response.description : 'Default Response';
  return { description, content: { [mediaType]: { schema } } };
}

function referToComponentsInResponse(response: unknown, found: Found): unknown {
  if (!isObject(response)) return response;
  const name = componentName(response);
  if (name) {
    found(name, response);
    const mediaType = name === PROBLEM_SCHEMA_ID ? PROBLEM_MEDIA_TYPE : 'application/json';
    return describedResponse(response, componentRef(name), mediaType);
  }
  // `Type.Ref('Problem')` of the shared schema: an error answer whatever the route `produces`.
  if (response.$ref === PROBLEM_SCHEMA_ID) {
    return describedResponse(response, { $ref: PROBLEM_SCHEMA_ID }, PROBLEM_MEDIA_TYPE);
  }
  if (isObject(response.content)) {
    return { ...response, content: referToComponentsInContent(response.content, found) };
  }
  return response;
}

/**
 * @fastify/swagger inlines a body or response schema that has an `$id` (TypeBox's `Problem`, say)
 * into every operation using it. This turns each into a reference to a component of that name;
 * `found` receives the schemas so that they can be emitted under components.schemas.
 * Schemas nested deeper are named by the `refResolver` below.
 */
export function referToComponents(schema: FastifySchema, found: Found = () => {}): FastifySchema {
  const result: FastifySchema = { ...schema };
  const body = schema.body;
  if (isObject(body)) {
    const name = componentName(body);
    if (name) {
      found(name, body);
      result.body = componentRef(name);
    } else if (isObject(body.content)) {
      result.body = { ...body, content: referToComponentsInContent(body.content, found) };
    }
  }
  if (isObject(schema.response)) {
    result.response = Object.fromEntries(
      Object.entries(schema.response).map(([status, response]) => [
        status,
        referToComponentsInResponse(response, found),
      ]),
    );
  }
  return result;
}

/** Mercurius's routes: documented by its own schemas, placed under the `graphql` tag here. */
function describeGraphql(schema: FastifySchema, method: string | string[]): FastifySchema {
  if (schema.tags) return schema;
  const reads = method === 'GET' || (Array.isArray(method) && !method.includes('POST'));
  return {
    ...schema,
    tags: ['graphql'],
    summary: reads
      ? 'Run a GraphQL query given in the query string'
      : 'Run a GraphQL query or mutation',
    description: 'The schema and its documentation are in the explorer at `/graphiql`.',
  };
}

/** The version of the package this file belongs to (from src/ or from dist/src/). */
function packageVersion(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(directory, 'package.json');
    if (existsSync(file)) {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isObject(parsed) && typeof parsed.version === 'string') return parsed.version;
    }
    const parent = path.dirname(directory);
    if (parent === directory) return '0.0.0';
    directory = parent;
  }
}

async function openApiDocs(app: FastifyInstance, options: OpenApiDocsOptions): Promise<void> {
  // Filled as routes are added; @fastify/swagger reads it when it first builds the document.
  const componentSchemas: Record<string, JsonSchema> = {};
  app.addHook('onRoute', (route) => {
    if (route.schema) {
      referToComponents(route.schema, (name, schema) => {
        componentSchemas[name] = schema;
      });
    }
  });

  const swaggerOptions: FastifyDynamicSwaggerOptions = {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Port Registry',
        version: options.version ?? packageVersion(),
        description: DESCRIPTION,
      },
      tags: TAGS,
      components: {
        schemas: componentSchemas,
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'API key',
            description:
              'An organisation API key (shown once, when created) or the operator key ' +
              '(ADMIN_API_KEY), sent as `Authorization: Bearer <key>`.',
          },
        },
      },
    },
    // Schemas nested in a route schema (and shared ones, from addSchema) are named by their $id.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => componentName(json) ?? `def-${i}`,
    },
    transform: ({ schema, url, route }) => {
      const documented = schema ? referToComponents(schema) : {};
      return {
        schema: url === GRAPHQL_PATH ? describeGraphql(documented, route.method) : documented,
        url,
      };
    },
  };
  await app.register(swagger, swaggerOptions);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    theme: { title: 'Port Registry API' },
    uiConfig: {
      // No top bar: it shows Swagger's logo (an inline <style>, refused by the CSP) and a box
      // that loads documents from other hosts.
      layout: 'BaseLayout',
      deepLinking: true,
      displayRequestDuration: true,
    },
  });
}

export default fp(openApiDocs, { name: 'openapi-docs', fastify: '5.x' });
