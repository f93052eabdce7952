import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { Registry } from '../../src/registry/registry.js';
import { openTestDatabase } from '../support/database.js';
import { readyServerUrl, type Spawned, spawnTs, waitFor } from '../support/processes.js';

/**
 * Two server processes on one database: a sync committed anywhere (here by a third party, as the
 * sync command would) is served by both within a second, through LISTEN/NOTIFY.
 */
let db: Database & { testDb: { url: string } };
const servers: Spawned[] = [];
const urls: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  // Seed once, so that both processes start on a loaded registry.
  await new Registry(db.pool).seed();
  for (let i = 0; i < 2; i += 1) {
    const server = spawnTs('src/server.ts', [], {
      DATABASE_URL: db.testDb.url,
      PORT: '0',
      REGISTRY_SYNC_URL: 'off',
      RATE_LIMIT_MAX: '0',
    });
    servers.push(server);
  }
  for (const server of servers) urls.push(await readyServerUrl(server));
}, 90_000);

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGTERM');
  await Promise.all(servers.map((server) => server.exited));
  await db.close();
});

async function lastSyncSource(url: string): Promise<string | undefined> {
  const summary = (await (await fetch(`${url}/v1/registry`)).json()) as {
    lastSync?: { source: string };
  };
  return summary.lastSync?.source;
}

describe('several instances on one database', () => {
  it('serve a sync committed elsewhere within a second, without a restart', async () => {
    const fixture = path.resolve('test/fixtures/registry/small-v1.csv');
    await new Registry(db.pool).sync({ from: fixture });
    const committed = Date.now();
    for (const url of urls) {
      await waitFor(
        'the instance to reload',
        async () => (await lastSyncSource(url)) === fixture,
        5_000,
      );
    }
    expect(Date.now() - committed).toBeLessThan(1_000);
    for (const url of urls) {
      const report = (await (await fetch(`${url}/v1/ports/70`)).json()) as { iana: unknown[] };
      expect(report.iana).toHaveLength(1); // gopher, only in the fixture
    }
  });
});
