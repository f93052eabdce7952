import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/app.js';

/**
 * Random garbage thrown at every organisation route and at /graphql: the service answers every
 * bad request with a 4xx (problem+json on REST, `errors` on GraphQL), never a 5xx.
 */
const OPERATOR = 'operator-key-for-random-input-0123456789abcdef';
const V1 = path.resolve('test/fixtures/registry/small-v1.csv');

/** A request that takes longer than this hangs: the property fails on it. */
const REQUEST_TIMEOUT = 10_000;

let subject: TestApp;
let adminKey: string;
let adminKeyId: number;

beforeAll(async () => {
  subject = await openTestApp({ syncFrom: V1, adminApiKey: OPERATOR });
  const created = await request(subject.app.server)
    .post('/v1/orgs')
    .set('authorization', `Bearer ${OPERATOR}`)
    .send({ slug: 'acme', name: 'Acme Corp' });
  expect(created.status, created.text).toBe(201);
  adminKey = created.body.key as string;
  adminKeyId = created.body.apiKey.id as number;
});
afterAll(async () => subject.close());

type Method = 'get' | 'post' | 'patch' | 'delete';

interface Call {
  method: Method;
  url: string;
  /** A JSON value to send, or raw text (possibly not JSON) under `raw`. */
  body?: { json: unknown } | { raw: string };
}

/** Random path segments, ids, query values: strings of every kind and numbers written out. */
const garbageText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
  fc.constantFrom(
    '',
    'acme',
    '-1',
    '0',
    '1.5',
    '65536',
    '1e3',
    '0x10',
    '99999999999999999999',
    'NaN',
    'Infinity',
    '%00',
    '..%2F..',
    "' OR 1=1 --",
    'a'.repeat(300),
    '٣',
  ),
);

/** Ids that are never the org's only admin key: random numbers ≥ 1000 or random strings. */
const garbageId = fc.oneof(
  fc.integer({ min: 1000 }).map(String),
  fc.constantFrom('99999999999999999999', '1e9', '-1', '0', '1.5', 'NaN', ''),
  fc.string({ maxLength: 20 }),
);

/** Any value of any type, with numbers at and past every edge. */
const anyValue = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    -1,
    0,
    1.5,
    65535,
    65536,
    2 ** 31,
    2 ** 53,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    1e308,
    'x'.repeat(10_000),
    '',
    null,
    true,
    [],
    {},
  ),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 200 }),
  fc.array(fc.anything(), { maxLength: 5 }),
);

/** Records with the real body field names of the org routes, each holding a random value. */
const FIELDS = [
  'slug',
  'name',
  'scopes',
  'expiresAt',
  'serviceName',
  'protocol',
  'port',
  'portStart',
  'portEnd',
  'scope',
  'description',
  'owner',
  'tags',
  'allowDynamic',
  'from',
  'to',
  'reservationId',
  'purpose',
] as const;
const fieldRecord = fc.dictionary(fc.constantFrom(...FIELDS), anyValue, { maxKeys: 8 });

const garbageBody: fc.Arbitrary<{ json: unknown } | { raw: string }> = fc.oneof(
  fc.anything().map((json) => ({ json })),
  fc.object().map((json) => ({ json })),
  fieldRecord.map((json) => ({ json })),
  fieldRecord.map((json) => ({ json })),
  fc
    .record({
      serviceName: fc.constantFrom('billing-api', 'x', ''),
      protocol: fc.constantFrom('tcp', 'udp', 'sctp', 'TCP'),
      port: anyValue,
    })
    .map((json) => ({ json })),
  fc.string({ maxLength: 50 }).map((raw) => ({ raw })),
  fc
    .constantFrom('{', '[1,2', 'null', '"x"', '{"port": 1e999}', '{"__proto__": {"x": 1}}')
    .map((raw) => ({ raw })),
);

const query = (pairs: [string, string][]): string =>
  pairs.map(([name, value]) => `${name}=${value}`).join('&');

/** Every organisation route, given a random org segment, id, query values and body. */
const ROUTES: ((seg: string, id: string, q: string, body: Call['body']) => Call)[] = [
  (_s, _i, _q, body) => ({ method: 'post', url: '/v1/orgs', body }),
  (s) => ({ method: 'get', url: `/v1/orgs/${s}` }),
  (s, _i, q) => ({ method: 'get', url: `/v1/orgs/${s}?${query([['verbose', q]])}` }),
  (s) => ({ method: 'get', url: `/v1/orgs/${s}/keys` }),
  (s, _i, _q, body) => ({ method: 'post', url: `/v1/orgs/${s}/keys`, body }),
  (s, i) => ({ method: 'delete', url: `/v1/orgs/${s}/keys/${i}` }),
  (s, _i, q) => ({
    method: 'get',
    url: `/v1/orgs/${s}/assignments?${query([
      ['scope', q],
      ['protocol', q],
      ['port', q],
      ['service', q],
      ['limit', q],
      ['cursor', q],
    ])}`,
  }),
  (s, _i, q) => ({ method: 'get', url: `/v1/orgs/${s}/assignments?port=${q}&limit=${q}` }),
  (s, _i, q) => ({ method: 'get', url: `/v1/orgs/${s}/assignments?cursor=${q}` }),
  (s, _i, _q, body) => ({ method: 'post', url: `/v1/orgs/${s}/assignments`, body }),
  (s, i) => ({ method: 'get', url: `/v1/orgs/${s}/assignments/${i}` }),
  (s, i, _q, body) => ({ method: 'patch', url: `/v1/orgs/${s}/assignments/${i}`, body }),
  (s, i) => ({ method: 'delete', url: `/v1/orgs/${s}/assignments/${i}` }),
  (s, _i, _q, body) => ({ method: 'post', url: `/v1/orgs/${s}/allocations`, body }),
  (s, _i, q) => ({
    method: 'get',
    url: `/v1/orgs/${s}/reservations?${query([
      ['scope', q],
      ['protocol', q],
      ['limit', q],
      ['cursor', q],
    ])}`,
  }),
  (s, _i, q) => ({ method: 'get', url: `/v1/orgs/${s}/reservations?cursor=${q}` }),
  (s, _i, _q, body) => ({ method: 'post', url: `/v1/orgs/${s}/reservations`, body }),
  (s, i) => ({ method: 'get', url: `/v1/orgs/${s}/reservations/${i}` }),
  (s, i) => ({ method: 'delete', url: `/v1/orgs/${s}/reservations/${i}` }),
  (s, _i, q) => ({ method: 'get', url: `/v1/orgs/${s}/audit?limit=${q}&cursor=${q}` }),
  (s, _i, q) => ({ method: 'get', url: `/v1/orgs/${s}/audit?${q}=1` }),
];

/** The admin key mostly, sometimes a random Authorization header or none. */
const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant<'admin' | undefined>('admin') },
  { weight: 1, arbitrary: fc.constant<'admin' | undefined>(undefined) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 40 }).map((value) => `Bearer ${value}`),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', 'Bearer prk_x_y', 'bearer  '),
    ),
  },
);

async function send(call: Call, auth: string | undefined): Promise<request.Response> {
  let pending = request(subject.app.server)[call.method](call.url).timeout(REQUEST_TIMEOUT);
  if (auth !== undefined) pending = pending.set('authorization', auth);
  if (call.body === undefined) return pending;
  const text = 'raw' in call.body ? call.body.raw : JSON.stringify(call.body.json);
  return pending.set('content-type', 'application/json').send(text ?? '');
}

describe('random input on the organisation API and GraphQL', () => {
  it('random bad input on every organisation route answers 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: ROUTES.length - 1 }),
        fc.oneof({ weight: 3, arbitrary: fc.constant('acme') }, garbageText),
        garbageId,
        garbageText,
        garbageBody,
        authorization,
        async (routeIndex, org, id, value, body, auth) => {
          const route = ROUTES[routeIndex] as (typeof ROUTES)[number];
          const call = route(
            encodeURIComponent(org),
            encodeURIComponent(id),
            encodeURIComponent(value),
            body,
          );
          if (call.method === 'delete' && call.url.includes('/keys/')) {
            // Never revoke the org's only admin key: the rest of the run would be 401s.
            fc.pre(Number(id.trim()) !== adminKeyId && Number.parseInt(id, 10) !== adminKeyId);
          }
          const header =
            auth === 'admin' ? `Bearer ${adminKey}` : auth === undefined ? undefined : auth;
          const response = await send(call, header);
          const label = `${call.method.toUpperCase()} ${call.url} ${JSON.stringify(call.body)} -> ${response.status} ${response.text}`;
          expect(response.status, label).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 180_000);

  it('random queries and variables on /graphql answer without a 5xx', async () => {
    const OPERATIONS = [
      'query ($n: Int!) { port(number: $n) { port } }',
      'query ($s: String!) { service(name: $s) { name aliases } }',
      'query ($a: Int, $b: Int, $f: Int, $c: String) { ports(from: $a, to: $b, first: $f, after: $c) { items { port } nextCursor } }',
      'query ($a: Int, $b: Int, $n: Int) { freePorts(from: $a, to: $b, count: $n) { from to ports } }',
      'query ($p: [String!]) { lookup(ports: $p) { ports { query ok } } }',
      'mutation ($i: AssignmentInput!) { createAssignment(org: "acme", input: $i) { assignment { id portStart portEnd } warnings { code } } }',
      'mutation ($i: AllocationInput!, $k: String) { allocatePort(org: "acme", input: $i, idempotencyKey: $k) { assignment { id portStart } } }',
    ];
    const VARIABLES = ['n', 's', 'a', 'b', 'f', 'c', 'p', 'i', 'k'] as const;
    const variableValue = fc.oneof(
      anyValue,
      fieldRecord,
      fc.record({
        serviceName: fc.oneof(fc.constant('billing-api'), anyValue),
        protocol: fc.oneof(fc.constantFrom('tcp', 'udp'), anyValue),
        port: anyValue,
        from: anyValue,
        to: anyValue,
      }),
      fc.array(anyValue, { maxLength: 5 }),
    );
    const document = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...OPERATIONS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '{',
          '{ port(number: 1) }',
          '{ __typename }',
          'mutation { x }',
          '{'.repeat(500),
        ),
      },
    );
    const variables = fc.oneof(
      { weight: 5, arbitrary: fc.dictionary(fc.constantFrom(...VARIABLES), variableValue) },
      { weight: 1, arbitrary: fc.anything() },
    );

    await fc.assert(
      fc.asyncProperty(document, variables, async (query, vars) => {
        const payload = JSON.stringify({ query, variables: vars });
        const response = await request(subject.app.server)
          .post('/graphql')
          .timeout(REQUEST_TIMEOUT)
          .set('authorization', `Bearer ${adminKey}`)
          .set('content-type', 'application/json')
          .send(payload);
        const label = `${payload.slice(0, 500)} -> ${response.status} ${response.text.slice(0, 1000)}`;
        expect(response.status, label).toBeLessThan(500);
        expect(response.headers['content-type'], label).toMatch(/json/);
        const body: unknown = JSON.parse(response.text);
        expect(body, label).toBeTypeOf('object');
        const answer = body as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
        expect('data' in answer || 'errors' in answer, label).toBe(true);
        const codes = (answer.errors ?? []).map((error) => error.extensions?.code);
        expect(codes, label).not.toContain('INTERNAL_SERVER_ERROR');
      }),
      { numRuns: 300 },
    );
  }, 180_000);
});
