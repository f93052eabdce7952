import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/app.js';

const V1 = path.resolve('test/fixtures/registry/small-v1.csv');

/** The value of one sample line (`name{labels} value`) of the exposition, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  let subject: TestApp;
  beforeAll(async () => {
    subject = await openTestApp({ syncFrom: V1 });
  });
  afterAll(async () => subject.close());

  async function scrape(): Promise<string> {
    const response = await request(subject.app.server).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text;
  }

  it('counts answers by method, route template and status, and times them per route', async () => {
    const before = await scrape();
    const route = 'method="GET",route="/v1/ports/:port"';
    const ok = sample(before, 'http_requests_total', `${route},status="200"`) ?? 0;
    const bad = sample(before, 'http_requests_total', `${route},status="400"`) ?? 0;
    for (const port of [22, 80, 443]) {
      expect((await request(subject.app.server).get(`/v1/ports/${port}`)).status).toBe(200);
    }
    expect((await request(subject.app.server).get('/v1/ports/80abc')).status).toBe(400);
    expect((await request(subject.app.server).get('/no/such/route')).status).toBe(404);

    const after = await scrape();
    expect(sample(after, 'http_requests_total', `${route},status="200"`)).toBe(ok + 3);
    expect(sample(after, 'http_requests_total', `${route},status="400"`)).toBe(bad + 1);
    expect(
      sample(after, 'http_requests_total', 'method="GET",route="unmatched",status="404"'),
    ).toBeGreaterThanOrEqual(1);

    // A histogram: cumulative buckets that never decrease, +Inf equal to the count, a sum.
    const count = sample(after, 'http_request_duration_seconds_count', route);
    expect(count).toBe(ok + bad + 4);
    expect(sample(after, 'http_request_duration_seconds_bucket', `${route},le="+Inf"`)).toBe(count);
    const buckets = after
      .split('\n')
      .filter((line) => line.startsWith(`http_request_duration_seconds_bucket{${route},le=`))
      .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
    expect(buckets).toHaveLength(13);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(sample(after, 'http_request_duration_seconds_sum', route)).toBeGreaterThan(0);
    expect(after).toContain('# TYPE http_request_duration_seconds histogram');
    expect(after).toContain('# TYPE http_requests_total counter');
  });

  it('reports the registry, the last sync, the database pool and the process', async () => {
    const text = await scrape();
    expect(Number(/^registry_entries (\d+)$/m.exec(text)?.[1])).toBe(subject.registry.current.size);
    const age = Number(/^registry_last_sync_age_seconds (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    expect(sample(text, 'db_pool_connections', 'state="total"')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });

  it('is never cached, and never rate limited', async () => {
    const response = await request(subject.app.server).get('/metrics');
    expect(response.headers['cache-control']).toBe('no-store');
    const limited = await openTestApp({
      syncFrom: V1,
      protection: { rateLimitMax: 2, rateLimitWindowMs: 60_000 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        statuses.push((await request(limited.app.server).get('/metrics')).status);
        statuses.push((await request(limited.app.server).get('/health/live')).status);
      }
      expect(statuses.every((status) => status === 200)).toBe(true);
      // The limit itself holds on every other route.
      const lookups: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        lookups.push((await request(limited.app.server).get('/v1/ports/80')).status);
      }
      expect(lookups).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
