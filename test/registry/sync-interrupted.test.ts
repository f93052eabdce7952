import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { Registry } from '../../src/registry/registry.js';
import { openTestDatabase } from '../support/database.js';
import { spawnTs, waitFor } from '../support/processes.js';
import { HAS_SNAPSHOT, SNAPSHOT_NOTE, SNAPSHOT_PATH } from '../support/snapshot.js';

const V1 = path.resolve('test/fixtures/registry/small-v1.csv');

let db: Database & { testDb: { url: string } };

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

async function snapshotOfRegistry(): Promise<string> {
  const { rows } = await db.pool.query<{ digest: string }>(
    `SELECT md5(string_agg(entry_key || content_hash, ',' ORDER BY entry_key)) AS digest
       FROM registry_entries`,
  );
  return rows[0]?.digest ?? '';
}

/** True while some session holds the sync lock, i.e. a sync transaction is open. */
async function syncInProgress(): Promise<boolean> {
  const { rows } = await db.pool.query(
    `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707370 AND granted`,
  );
  return rows.length > 0;
}

describe('an interrupted sync', () => {
  it(`killed with SIGKILL half-way leaves the previous registry intact and usable${SNAPSHOT_NOTE}`, async ({
    skip,
  }) => {
    if (!HAS_SNAPSHOT) skip();
    const registry = new Registry(db.pool);
    await registry.sync({ from: V1 });
    const before = await snapshotOfRegistry();

    const sync = spawnTs('src/commands/sync.ts', ['--from', SNAPSHOT_PATH], {
      DATABASE_URL: db.testDb.url,
    });
    await waitFor('the sync transaction to open', syncInProgress);
    sync.child.kill('SIGKILL');
    await sync.exited;
    await waitFor('the server to roll the transaction back', async () => !(await syncInProgress()));

    expect(await snapshotOfRegistry()).toBe(before);
    await registry.reload();
    expect(registry.current.size).toBe(7);
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n FROM sync_runs WHERE source = $1',
      [SNAPSHOT_PATH],
    );
    expect(rows[0]).toEqual({ n: 0 });
    // And the registry still takes the next sync.
    const report = await registry.sync({ from: SNAPSHOT_PATH });
    expect(report.removed + report.added).toBeGreaterThan(0);
  });
});
