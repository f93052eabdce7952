import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getIntrospectionQuery } from '../../src/graphql/graphql-js.js';
import { MAX_QUERY_COST, MAX_QUERY_DEPTH } from '../../src/graphql/query-limits.js';
import type { TestApp } from '../support/app.js';
import { graphql, type GraphqlAnswer } from './graphql-app.js';
import { openTestApp } from '../support/app.js';

const V1 = path.resolve('test/fixtures/registry/small-v1.csv');

/** A refusal: the status, one error with the code, no stack or internals in the body. */
function expectRefused(answer: GraphqlAnswer, status: number, code: string): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.errors.map((error) => error.extensions.code)).toContain(code);
  expect(answer.text).not.toMatch(/at .*\.(ts|js):\d+|node_modules|SELECT /);
}

describe('GraphQL errors', () => {
  let subject: TestApp;
  const ask = (query: string, variables?: Record<string, unknown>) =>
    graphql(subject.app, query, variables);

  beforeAll(async () => {
    subject = await openTestApp({ syncFrom: V1 });
  });
  afterAll(async () => subject?.close());

  it('refuses port 70000 as BAD_USER_INPUT naming the argument, the field null', async () => {
    const answer = await ask('{ port(number: 70000) { port } }');
    expectRefused(answer, 200, 'BAD_USER_INPUT');
    expect(answer.data).toEqual({ port: null });
    expect(answer.errors[0]).toMatchObject({
      message: 'number must be an integer from 0 to 65535',
      path: ['port'],
      extensions: {
        code: 'BAD_USER_INPUT',
        errors: [{ field: 'number', message: 'must be an integer from 0 to 65535' }],
      },
    });
  });

  it('refuses port -1 and classify(port: 65536) as BAD_USER_INPUT', async () => {
    const answer = await ask('{ a: port(number: -1) { port } b: classify(port: 65536) { range } }');
    expect(answer.data).toEqual({ a: null, b: null });
    expect(answer.errors.map((error) => [error.path, error.extensions.code]).sort()).toEqual([
      [['a'], 'BAD_USER_INPUT'],
      [['b'], 'BAD_USER_INPUT'],
    ]);
  });

  it('answers an unknown service with NOT_FOUND', async () => {
    const answer = await ask('{ service(name: "no-such-service") { name } }');
    expectRefused(answer, 200, 'NOT_FOUND');
    expect(answer.errors[0]?.message).toContain('no-such-service');
    const resolve = await ask('{ resolve(name: "no-such-service") { port } }');
    expectRefused(resolve, 200, 'NOT_FOUND');
  });

  it('refuses a cursor it did not issue, naming the after argument', async () => {
    const answer = await ask('{ services(query: "http", after: "nonsense!") { items { name } } }');
    expectRefused(answer, 200, 'BAD_USER_INPUT');
    expect(answer.errors[0]?.extensions.errors).toEqual([
      { field: 'after', message: 'is not a cursor this service issued' },
    ]);
    const ports = await ask('{ ports(after: "bzo5OTk5OTk5OTk5") { nextCursor } }');
    expectRefused(ports, 200, 'BAD_USER_INPUT');
  });

  it('bounds first and count as REST bounds limit and count', async () => {
    const answer = await ask(
      '{ a: ports(first: 501) { nextCursor } b: services(query: "x", first: 0) { nextCursor } c: freePorts(count: 1001) { ports } d: ports(from: 10, to: 5) { nextCursor } }',
    );
    const byField = Object.fromEntries(
      answer.errors.map((error) => [error.path?.[0], error.extensions.errors]),
    );
    expect(byField).toEqual({
      a: [{ field: 'first', message: 'must be an integer from 1 to 500' }],
      b: [{ field: 'first', message: 'must be an integer from 1 to 500' }],
      c: [{ field: 'count', message: 'must be an integer from 1 to 1000' }],
      d: [{ field: 'from', message: 'must not be greater than to' }],
    });
  });

  it('asks for a key when a lookup names an organisation, and for org with scope', async () => {
    const answer = await ask(
      '{ a: port(number: 80, org: "acme") { port } b: freePorts(org: "acme") { ports } c: service(name: "http", org: "acme") { name } d: resolve(name: "http", org: "acme") { port } }',
    );
    const codes = answer.errors.map((error) => [error.path?.[0], error.extensions.code]);
    expect(codes.sort()).toEqual([
      ['a', 'UNAUTHENTICATED'],
      ['b', 'UNAUTHENTICATED'],
      ['c', 'UNAUTHENTICATED'],
      ['d', 'UNAUTHENTICATED'],
    ]);
    const scope = await ask('{ port(number: 80, scope: "prod") { port } }');
    expect(scope.errors[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      errors: [{ field: 'scope', message: 'needs org' }],
    });
  });

  it('answers an unexpected failure as INTERNAL_SERVER_ERROR without its text', async () => {
    const lookup = vi.spyOn(subject.app.reads, 'lookup').mockImplementation(() => {
      throw new Error('SELECT secret FROM somewhere');
    });
    try {
      const answer = await ask('{ services(query: "http") { items { name report { name } } } }');
      expect(answer.status).toBe(200);
      expect(answer.data.services.items[0]).toEqual({ name: 'http', report: null });
      expect(answer.errors[0]).toMatchObject({
        message: 'internal error; the request id is in the logs',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(answer.text).not.toContain('secret');
    } finally {
      lookup.mockRestore();
    }
  });

  it('refuses a wrongly typed argument with 400 before anything runs', async () => {
    const answer = await ask('{ port(number: "x") { port } }');
    expectRefused(answer, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.data).toBeUndefined();
    const variable = await ask('query ($n: Int!) { port(number: $n) { port } }', { n: '80' });
    expectRefused(variable, 400, 'BAD_USER_INPUT');
    const unknown = await ask('{ port(number: 80) { nothing } }');
    expectRefused(unknown, 400, 'GRAPHQL_VALIDATION_FAILED');
    const enumValue = await ask('{ port(number: 80, protocol: TCP) { port } }');
    expectRefused(enumValue, 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses what is not GraphQL, or not JSON, with 400', async () => {
    expectRefused(await ask('{ port(number: 80 { port } }'), 400, 'GRAPHQL_PARSE_FAILED');
    // Mercurius reads a query that is not GraphQL as a JSON document AST; none gets through.
    const crafted = JSON.stringify({ kind: 'Document', definitions: [{}] });
    for (const query of ['1', '{}', '[]', 'true', '"x"', crafted]) {
      expectRefused(await ask(query), 400, 'GRAPHQL_PARSE_FAILED');
    }
    const notJson = await request(subject.app.server)
      .post('/graphql')
      .set('content-type', 'application/json')
      .send('{"query": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers queries over GET too', async () => {
    const response = await request(subject.app.server)
      .get('/graphql')
      .query({ query: '{ classify(port: 80) { range privileged } }' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { classify: { range: 'system', privileged: true } } });
  });

  it(`refuses a query deeper than ${MAX_QUERY_DEPTH} levels with QUERY_TOO_DEEP`, async () => {
    // lookup > ports > result > services > ports > report > classification > ephemeral > iana
    const answer = await ask(
      '{ lookup(ports: ["80"]) { ports { result { services { ports { report { classification { ephemeral { iana } } } } } } } } }',
    );
    expectRefused(answer, 400, 'QUERY_TOO_DEEP');
    expect(answer.errors[0]?.extensions.limit).toBe(MAX_QUERY_DEPTH);
    const fine = await ask(
      '{ lookup(ports: ["80"]) { ports { result { services { ports { report { classification { range } } } } } } } }',
    );
    expect(fine.errors).toEqual([]);
  });

  it(`refuses a query costing more than ${MAX_QUERY_COST} with QUERY_TOO_COMPLEX`, async () => {
    const reports =
      'items { report { iana { serviceName protocol description status primary legacy portStart portEnd } } }';
    // 500 matches x (1 + 1 + 10 entries x 8 fields) is 41 000.
    const answer = await ask(`{ services(query: "a", first: 500) { ${reports} } }`);
    expectRefused(answer, 400, 'QUERY_TOO_COMPLEX');
    expect(answer.errors[0]?.extensions.limit).toBe(MAX_QUERY_COST);
    expect((await ask(`{ services(query: "a", first: 5) { ${reports} } }`)).errors).toEqual([]);
  });

  it('counts a page size given as a variable with its value, or the default', async () => {
    const reports =
      'items { report { iana { serviceName protocol description status primary legacy portStart portEnd } } }';
    const query = `query ($first: Int = 500) { services(query: "a", first: $first) { ${reports} } }`;
    expectRefused(await ask(query), 400, 'QUERY_TOO_COMPLEX');
    expectRefused(await ask(query, { first: 400 }), 400, 'QUERY_TOO_COMPLEX');
    expect((await ask(query, { first: 5 })).errors).toEqual([]);
  });

  it('admits a full page of 500 entries with every field', async () => {
    const answer = await ask(
      '{ ports(first: 500) { items { serviceName protocol description status primary legacy portStart portEnd assignee references registered modified serviceCode notes unauthorizedUse source } nextCursor } }',
    );
    expect(answer.errors).toEqual([]);
  });

  it('answers the explorer’s introspection queries, but not nested introspection lists', async () => {
    for (const query of [
      getIntrospectionQuery(),
      getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true }),
    ]) {
      const answer = await ask(query);
      expect(answer.errors).toEqual([]);
      expect(answer.data.__schema.queryType.name).toBe('Query');
    }
    const nested = await ask(
      '{ __schema { types { fields { type { ofType { fields { name } } } } } } }',
    );
    expectRefused(nested, 400, 'QUERY_TOO_COMPLEX');
  });
});

describe('GraphQL before the registry is loaded', () => {
  let subject: TestApp;
  beforeAll(async () => {
    subject = await openTestApp({ load: false });
  });
  afterAll(async () => subject?.close());

  it('answers SERVICE_UNAVAILABLE, the field null', async () => {
    const answer = await graphql(
      subject.app,
      '{ port(number: 80) { port } registry { loadedAt } }',
    );
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ port: null, registry: null });
    expect(answer.errors.map((error) => error.extensions.code)).toEqual([
      'SERVICE_UNAVAILABLE',
      'SERVICE_UNAVAILABLE',
    ]);
  });
});
