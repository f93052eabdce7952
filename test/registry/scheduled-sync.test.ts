import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { Registry } from '../../src/registry/registry.js';
import { scheduleRegistrySync } from '../../src/registry/scheduled-sync.js';
import { openTestDatabase } from '../support/database.js';

const V1 = path.resolve('test/fixtures/registry/small-v1.csv');
const quiet = { info: () => undefined, warn: () => undefined };

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => db.close());

describe('the scheduled sync', () => {
  it('runs on one instance only when several tick at once, then waits for the interval', async () => {
    const schedules = [1, 2, 3].map(() =>
      scheduleRegistrySync({
        registry: new Registry(db.pool),
        pool: db.pool,
        from: V1,
        intervalMs: 3_600_000,
        timeoutMs: 5_000,
        log: quiet,
      }),
    );
    try {
      const ran = await Promise.all(schedules.map((schedule) => schedule.tick()));
      expect(ran.filter(Boolean)).toHaveLength(1);
      const runs = await db.pool.query(
        "SELECT count(*)::int AS n FROM sync_runs WHERE status = 'succeeded'",
      );
      expect(runs.rows[0]).toEqual({ n: 1 });
      expect(await (schedules[0] as (typeof schedules)[number]).tick()).toBe(false);
    } finally {
      for (const schedule of schedules) schedule.stop();
    }
  });
});
