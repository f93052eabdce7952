import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/app.js';

/**
 * Every read route answers bad input with a 4xx problem+json naming the field, never a 5xx:
 * first the ugly cases by hand, then many random ones (fast-check).
 */
let subject: TestApp;
const V1 = path.resolve('test/fixtures/registry/small-v1.csv');

beforeAll(async () => {
  subject = await openTestApp({ syncFrom: V1 });
});
afterAll(async () => subject.close());

const UGLY_NUMBERS = [
  '-1',
  '65536',
  '80abc',
  '1e3',
  '1.5',
  '',
  ' 80',
  '080',
  '0x50',
  '%2D1',
  '99999999999999999999',
  'NaN',
  '%00',
  '٣',
];
const UGLY_TEXT = [
  '',
  '%00',
  '%FF',
  'a'.repeat(200),
  '%F0%9F%98%80',
  '..%2F..%2Fetc',
  "' OR 1=1 --",
  '<script>',
];

async function expectProblem(
  response: request.Response,
  status: number,
  field?: string,
): Promise<void> {
  expect(response.status, response.text).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status,
    title: expect.any(String),
    detail: expect.any(String),
  });
  if (field)
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  expect(response.text).not.toMatch(/at .*\.(ts|js):\d+|SELECT |node_modules/);
}

describe('bad input on read routes', () => {
  it.each(UGLY_NUMBERS.filter((value) => value !== ''))(
    'GET /v1/ports/%s is a 400 naming port',
    async (value) => {
      await expectProblem(await request(subject.app.server).get(`/v1/ports/${value}`), 400, 'port');
    },
  );

  it.each(['from', 'to'])(
    'GET /v1/ports?%s=<ugly> is a 400 naming the parameter',
    async (param) => {
      for (const value of UGLY_NUMBERS) {
        await expectProblem(
          await request(subject.app.server).get(`/v1/ports?${param}=${value}`),
          400,
          param,
        );
      }
    },
  );

  it('refuses from > to, limit 0 or 501, unknown protocol and status, and unknown parameters', async () => {
    const server = subject.app.server;
    await expectProblem(await request(server).get('/v1/ports?from=100&to=10'), 400, 'from');
    await expectProblem(await request(server).get('/v1/ports?limit=0'), 400, 'limit');
    await expectProblem(await request(server).get('/v1/ports?limit=501'), 400, 'limit');
    await expectProblem(await request(server).get('/v1/ports/80?protocol=icmp'), 400, 'protocol');
    await expectProblem(await request(server).get('/v1/ports/80?protocol=TCP'), 400, 'protocol');
    await expectProblem(await request(server).get('/v1/ports?status=gone'), 400, 'status');
    await expectProblem(await request(server).get('/v1/ports/80?verbose=1'), 400, 'verbose');
    await expectProblem(await request(server).get('/v1/free-ports?count=1001'), 400, 'count');
    await expectProblem(await request(server).get('/v1/free-ports?count=0'), 400, 'count');
    await expectProblem(await request(server).get('/v1/free-ports?from=2000&to=1000'), 400, 'from');
    await expectProblem(await request(server).get('/v1/services?q='), 400, 'q');
    await expectProblem(await request(server).get('/v1/services'), 400, 'q');
    await expectProblem(await request(server).get('/v1/services?q=x&cursor=bad'), 400, 'cursor');
    await expectProblem(await request(server).get('/v1/ports/80?org=acme'), 401);
    await expectProblem(await request(server).get('/v1/ports/80?scope=prod'), 400, 'scope');
  });

  it.each(UGLY_TEXT.filter((value) => value !== ''))(
    'GET /v1/services/%s never fails with 5xx',
    async (value) => {
      const response = await request(subject.app.server).get(`/v1/services/${value}`);
      expect([400, 404, 414]).toContain(response.status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    },
  );

  it('refuses lookup bodies of the wrong type, with unknown fields, or too big', async () => {
    const post = (body: unknown, type = 'application/json') =>
      request(subject.app.server)
        .post('/v1/lookup')
        .set('content-type', type)
        .send(body as object);
    await expectProblem(await post('[1,2,3]'), 400);
    await expectProblem(await post('"ports"'), 400);
    await expectProblem(await post('{"ports": "443"}'), 400, 'ports');
    await expectProblem(await post('{"ports": [443], "extra": 1}'), 400, 'extra');
    await expectProblem(await post('{"ports": [true]}'), 400);
    await expectProblem(await post('{"ports": [443'), 400);
    await expectProblem(
      await post({ ports: Array.from({ length: 1001 }, () => 80) }),
      400,
      'ports',
    );
    const form = await post('ports=443', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    const huge = await post(JSON.stringify({ services: ['x'.repeat(2 * 1024 * 1024)] }));
    expect(huge.status).toBe(413);
  });

  it('answers random garbage in every parameter of every read route without a 5xx', async () => {
    const routes: ((value: string) => { method: 'get' | 'post'; url: string; body?: unknown })[] = [
      (v) => ({ method: 'get', url: `/v1/ports/${v}` }),
      (v) => ({ method: 'get', url: `/v1/ports/${v}/classification` }),
      (v) => ({ method: 'get', url: `/v1/ports/80?protocol=${v}` }),
      (v) => ({ method: 'get', url: `/v1/ports?from=${v}&to=${v}` }),
      (v) => ({ method: 'get', url: `/v1/ports?limit=${v}&cursor=${v}` }),
      (v) => ({ method: 'get', url: `/v1/ports?status=${v}` }),
      (v) => ({ method: 'get', url: `/v1/services/${v}` }),
      (v) => ({ method: 'get', url: `/v1/services/http?protocol=${v}` }),
      (v) => ({ method: 'get', url: `/v1/resolve/${v}` }),
      (v) => ({ method: 'get', url: `/v1/services?q=${v}&limit=${v}` }),
      (v) => ({ method: 'get', url: `/v1/free-ports?from=${v}&count=${v}` }),
      (v) => ({ method: 'get', url: `/v1/export/services?protocol=${v}` }),
      (v) => ({ method: 'get', url: `/v1/ranges?${v}=1` }),
      (v) => ({ method: 'post', url: '/v1/lookup', body: { ports: [v, 443], services: [v] } }),
      (v) => ({ method: 'post', url: '/v1/lookup', body: v }),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: routes.length - 1 }),
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.string({ unit: 'grapheme', maxLength: 10 }),
          fc.integer().map(String),
          fc.double().map(String),
          fc.constantFrom(...UGLY_NUMBERS, ...UGLY_TEXT),
        ),
        async (routeIndex, raw) => {
          const route = (routes[routeIndex] as (typeof routes)[number])(encodeURIComponent(raw));
          const call = request(subject.app.server)[route.method](route.url);
          const response =
            route.body === undefined ? await call : await call.send(route.body as object);
          expect(response.status, `${route.method} ${route.url}`).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
