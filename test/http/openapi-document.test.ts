import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/app.js';
import { validateOpenApi } from '../support/openapi.js';

/** The service's own OpenAPI document: valid, complete, and described. */
let subject: TestApp;
let document: {
  openapi: string;
  paths: Record<
    string,
    Record<string, { summary?: string; responses?: Record<string, unknown>; security?: unknown }>
  >;
  components?: { securitySchemes?: Record<string, unknown> };
};

beforeAll(async () => {
  subject = await openTestApp({ syncFrom: path.resolve('test/fixtures/registry/small-v1.csv') });
  document = (await request(subject.app.server).get('/openapi.json')).body;
});
afterAll(async () => subject.close());

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document that the validator accepts with no errors', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(await validateOpenApi(document)).toEqual([]);
  });

  it('describes every route of SPEC.md section 5 with a summary and its answers', () => {
    const expected = [
      'get /v1/ports/{port}',
      'get /v1/ports/{port}/classification',
      'get /v1/ports',
      'get /v1/services/{name}',
      'get /v1/resolve/{name}',
      'get /v1/services',
      'post /v1/lookup',
      'get /v1/free-ports',
      'get /v1/ranges',
      'get /v1/registry',
      'post /v1/registry/sync',
      'get /v1/export/services',
      'post /v1/orgs',
      'get /v1/orgs/{org}',
      'post /v1/orgs/{org}/keys',
      'delete /v1/orgs/{org}/keys/{id}',
      'get /v1/orgs/{org}/assignments',
      'post /v1/orgs/{org}/assignments',
      'get /v1/orgs/{org}/assignments/{id}',
      'patch /v1/orgs/{org}/assignments/{id}',
      'delete /v1/orgs/{org}/assignments/{id}',
      'post /v1/orgs/{org}/allocations',
      'get /v1/orgs/{org}/reservations',
      'post /v1/orgs/{org}/reservations',
      'delete /v1/orgs/{org}/reservations/{id}',
      'get /v1/orgs/{org}/audit',
      'get /health/live',
      'get /health/ready',
    ];
    for (const route of expected) {
      const [method, url] = route.split(' ') as [string, string];
      const operation = document.paths[url]?.[method];
      expect(operation, route).toBeDefined();
      expect(operation?.summary, route).toBeTruthy();
      expect(Object.keys(operation?.responses ?? {}).length, route).toBeGreaterThan(0);
    }
  });

  it('shows how to authenticate: a bearer scheme, required by the organisation routes', () => {
    const schemes = Object.values(document.components?.securitySchemes ?? {});
    expect(schemes).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'http', scheme: 'bearer' })]),
    );
    expect(document.paths['/v1/orgs/{org}/assignments']?.post?.security).toBeDefined();
  });
});
