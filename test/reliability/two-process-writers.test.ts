import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { Registry } from '../../src/registry/registry.js';
import { openTestDatabase } from '../support/database.js';
import { readyServerUrl, type Spawned, spawnTs } from '../support/processes.js';

/**
 * Concurrent writers on two server processes sharing one database: the database, not a lock in
 * one process, keeps overlapping assignments out and hands every allocated port out once.
 */
const OPERATOR = 'operator-key-for-two-process-tests';
let db: Database & { testDb: { url: string } };
const servers: Spawned[] = [];
const urls: string[] = [];
let key = '';

beforeAll(async () => {
  db = await openTestDatabase();
  await new Registry(db.pool).seed();
  for (let i = 0; i < 2; i += 1) {
    const server = spawnTs('src/server.ts', [], {
      DATABASE_URL: db.testDb.url,
      PORT: '0',
      REGISTRY_SYNC_URL: 'off',
      RATE_LIMIT_MAX: '0',
      ADMIN_API_KEY: OPERATOR,
    });
    servers.push(server);
  }
  for (const server of servers) urls.push(await readyServerUrl(server));
  const created = await fetch(`${urls[0]}/v1/orgs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
    body: JSON.stringify({ slug: 'acme', name: 'Acme' }),
  });
  key = ((await created.json()) as { key: string }).key;
}, 90_000);

afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGTERM');
  await Promise.all(servers.map((server) => server.exited));
  await db.close();
});

function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('concurrent writers on two processes', () => {
  it('store exactly one of 40 overlapping assignments sent through both, the rest 409', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(urls[i % 2] as string, '/v1/orgs/acme/assignments', {
          serviceName: `svc-${i}`,
          protocol: 'tcp',
          portStart: 9000 + (i % 5),
          portEnd: 9010,
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(39);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM assignments WHERE port_start <= 9010 AND port_end >= 9000`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('hand out 100 distinct ports to allocations sent through both at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        post(urls[i % 2] as string, '/v1/orgs/acme/allocations', {
          serviceName: `alloc-${i}`,
          protocol: 'udp',
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).filter((status) => status !== 201)).toEqual([]);
    const ports = await Promise.all(
      answers.map(
        async (answer) =>
          ((await answer.json()) as { assignment: { portStart: number } }).assignment.portStart,
      ),
    );
    expect(new Set(ports).size).toBe(100);
    const { rows } = await db.pool.query<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT port_start)::int AS distinct FROM assignments WHERE protocol = 'udp'`,
    );
    expect(rows[0]).toEqual({ n: 100, distinct: 100 });
  });
});
