import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/app.js';

const V1 = path.resolve('test/fixtures/registry/small-v1.csv');
const OPERATOR = 'operator-key-for-protection-tests';

describe('protection', () => {
  let subject: TestApp;
  beforeAll(async () => {
    subject = await openTestApp({
      syncFrom: V1,
      adminApiKey: OPERATOR,
      protection: {
        rateLimitMax: 5,
        rateLimitWindowMs: 60_000,
        corsOrigins: ['https://tools.example'],
      },
    });
  });
  afterAll(async () => subject.close());

  it('sends security headers on API answers', async () => {
    const response = await request(subject.app.server).get('/v1/ranges');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['strict-transport-security']).toBeDefined();
  });

  it('answers CORS only for configured origins', async () => {
    const allowed = await request(subject.app.server)
      .options('/v1/ports/443')
      .set('Origin', 'https://tools.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://tools.example');
    const other = await request(subject.app.server)
      .get('/health/live')
      .set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('limits each address, then answers 429 problem+json with Retry-After; health stays exempt', async () => {
    const statuses: number[] = [];
    let limited: request.Response | null = null;
    for (let i = 0; i < 8; i += 1) {
      const response = await request(subject.app.server).get('/v1/ports/80');
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(limited?.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited?.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect((await request(subject.app.server).get('/health/live')).status).toBe(200);
  });

  it('counts a key separately from its address', async () => {
    const keyed = await request(subject.app.server)
      .get('/v1/ports/80')
      .set('Authorization', `Bearer ${OPERATOR}`);
    expect(keyed.status).toBe(200);
  });
});
