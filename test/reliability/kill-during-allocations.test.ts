import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { Registry } from '../../src/registry/registry.js';
import { openTestDatabase } from '../support/database.js';
import { readyServerUrl, type Spawned, spawnTs, waitFor } from '../support/processes.js';

/**
 * kill -9 of a server in the middle of concurrent allocations: every allocation it confirmed is
 * stored, nothing half-written remains (each assignment has its audit event, no idempotency
 * record without its answer), and a new process carries on without duplicates.
 */
const OPERATOR = 'operator-key-for-kill-tests';
let db: Database & { testDb: { url: string } };

beforeAll(async () => {
  db = await openTestDatabase();
  await new Registry(db.pool).seed();
});
const started: Spawned[] = [];
afterAll(async () => {
  // A failed assertion must not leave a server behind.
  for (const server of started) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await db.close();
});

async function startServer(): Promise<{ server: Spawned; url: string }> {
  const server = spawnTs('src/server.ts', [], {
    DATABASE_URL: db.testDb.url,
    PORT: '0',
    REGISTRY_SYNC_URL: 'off',
    RATE_LIMIT_MAX: '0',
    ADMIN_API_KEY: OPERATOR,
    LOG_LEVEL: 'info',
  });
  started.push(server);
  return { server, url: await readyServerUrl(server) };
}

describe('kill -9 during allocations', () => {
  it(
    'loses no confirmed allocation and leaves nothing half-written',
    { timeout: 120_000 },
    async () => {
      const { server, url } = await startServer();
      const org = (await (
        await fetch(`${url}/v1/orgs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
          body: JSON.stringify({ slug: 'acme', name: 'Acme' }),
        })
      ).json()) as { key: string };

      const confirmed: number[] = [];
      const allocate = async (i: number): Promise<void> => {
        const response = await fetch(`${url}/v1/orgs/acme/allocations`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${org.key}`,
            'content-type': 'application/json',
            'idempotency-key': `alloc-${i}`,
          },
          body: JSON.stringify({ serviceName: `svc-${i}`, protocol: 'tcp' }),
        }).catch(() => null);
        if (response?.status === 201) {
          confirmed.push(
            ((await response.json()) as { assignment: { portStart: number } }).assignment.portStart,
          );
        }
      };
      const load = Promise.all(Array.from({ length: 150 }, (_, i) => allocate(i)));
      await waitFor('some allocations', () => confirmed.length >= 10, 30_000);
      server.child.kill('SIGKILL');
      await server.exited;
      await load;

      const rows = await db.pool.query<{ port_start: number; audits: number }>(
        `SELECT a.port_start,
              (SELECT count(*)::int FROM audit_events e
                WHERE e.entity_type = 'assignment' AND e.entity_id = a.id::text AND e.action = 'assignment.create') AS audits
         FROM assignments a`,
      );
      const stored = rows.rows.map((row) => row.port_start);
      for (const port of confirmed) expect(stored).toContain(port);
      expect(new Set(stored).size).toBe(stored.length);
      expect(rows.rows.every((row) => row.audits === 1)).toBe(true);
      const halfDone = await db.pool.query(
        `SELECT key FROM idempotency_records WHERE response = '{}'::jsonb`,
      );
      expect(halfDone.rows).toEqual([]);
      const records = await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM idempotency_records',
      );
      expect(records.rows[0]?.n).toBe(stored.length);

      // A new process carries on: retried keys give their first answers, new ones new ports.
      const next = await startServer();
      try {
        const retried = await fetch(`${next.url}/v1/orgs/acme/allocations`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${org.key}`,
            'content-type': 'application/json',
            'idempotency-key': 'alloc-0',
          },
          body: JSON.stringify({ serviceName: 'svc-0', protocol: 'tcp' }),
        });
        expect(retried.status).toBe(201);
        const fresh = await fetch(`${next.url}/v1/orgs/acme/allocations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ serviceName: 'after-crash', protocol: 'tcp' }),
        });
        expect(fresh.status).toBe(201);
        const port = ((await fresh.json()) as { assignment: { portStart: number } }).assignment
          .portStart;
        const all = await db.pool.query<{ port_start: number }>(
          'SELECT port_start FROM assignments',
        );
        expect(all.rows.filter((row) => row.port_start === port)).toHaveLength(1);
      } finally {
        next.server.child.kill('SIGTERM');
        await next.server.exited;
      }
    },
  );
});
