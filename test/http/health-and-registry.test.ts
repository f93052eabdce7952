import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/app.js';

const V1 = path.resolve('test/fixtures/registry/small-v1.csv');

describe('health', () => {
  let subject: TestApp;
  beforeAll(async () => {
    subject = await openTestApp({ load: false });
  });
  afterAll(async () => subject.close());

  it('is live before the registry is loaded', async () => {
    const response = await request(subject.app.server).get('/health/live');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('is not ready (503 with Retry-After) until the registry is loaded, then ready', async () => {
    const before = await request(subject.app.server).get('/health/ready');
    expect(before.status).toBe(503);
    expect(before.headers['retry-after']).toBe('1');
    expect(before.body).toEqual({
      status: 'unavailable',
      checks: { database: true, registry: false },
    });

    await subject.registry.sync({ from: V1 });
    await subject.registry.reload();
    const after = await request(subject.app.server).get('/health/ready');
    expect(after.status).toBe(200);
    expect(after.body.checks).toEqual({ database: true, registry: true });
  });
});

describe('GET /v1/registry', () => {
  let subject: TestApp;
  beforeAll(async () => {
    subject = await openTestApp({ syncFrom: V1 });
  });
  afterAll(async () => subject.close());

  it('reports counts by status and protocol, sources and the last sync', async () => {
    const response = await request(subject.app.server).get('/v1/registry');
    expect(response.status).toBe(200);
    expect(response.body.entries).toEqual({
      total: 7,
      byStatus: { assigned: 4, reserved: 2, unassigned: 1 },
      byProtocol: { tcp: 6, udp: 1, sctp: 0, dccp: 0, none: 0 },
    });
    expect(response.body.sources).toEqual([{ source: 'iana-csv', entries: 7 }]);
    expect(response.body.lastSync).toMatchObject({
      source: V1,
      format: 'csv',
      added: 7,
      changed: 0,
      removed: 0,
    });
    expect(response.body.lastSync.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers an unknown path with a problem+json 404', async () => {
    const response = await request(subject.app.server).get('/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, title: 'Not Found' });
  });
});
