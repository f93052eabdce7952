import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { openTestDatabase } from '../support/database.js';
import { spawnTs } from '../support/processes.js';

/** `npm run sync` and `npm run seed` as processes: their output, exit codes and one-line errors. */
let db: Database & { testDb: { url: string } };
const V1 = path.resolve('test/fixtures/registry/small-v1.csv');

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => db.close());

async function run(
  entry: string,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  const child = spawnTs(entry, args, { DATABASE_URL: db.testDb.url, LOG_LEVEL: 'silent' });
  const code = await child.exited;
  return { code, output: child.output() };
}

async function entryCount(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM registry_entries',
  );
  return rows[0]?.n ?? -1;
}

describe('the sync command', () => {
  it('prints added, changed and removed counts with examples, then 0/0/0 on a re-run', async () => {
    const first = await run('src/commands/sync.ts', ['--from', V1]);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/added 7, changed 0, removed 0/);
    expect(first.output).toMatch(/added: .*http 80\/tcp/);
    const again = await run('src/commands/sync.ts', ['--from', V1]);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(/added 0, changed 0, removed 0, unchanged 7/);
  });

  it('reports a dry run without applying it', async () => {
    const v2 = path.resolve('test/fixtures/registry/small-v2.csv');
    const dry = await run('src/commands/sync.ts', ['--from', v2, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.output).toMatch(/dry run: would apply/);
    expect(dry.output).toMatch(/added 1, changed 1, removed 1/);
    expect(await entryCount()).toBe(7);
  });

  it.each([
    [
      'a truncated file',
      'truncated.csv',
      'Service Name,Port Number,Transport Protocol\nhttp,80,"tcp',
      [],
    ],
    [
      'a malformed file',
      'bad-port.csv',
      'Service Name,Port Number,Transport Protocol\nhttp,80abc,tcp\n',
      [],
    ],
    [
      'an unknown format',
      'ok.csv',
      'Service Name,Port Number,Transport Protocol\nhttp,80,tcp\n',
      ['--format', 'yaml'],
    ],
  ])(
    'ends %s with one line on stderr and exit code 1, nothing changed',
    async (_case, name, text, extra) => {
      const file = path.join(os.tmpdir(), `port-registry-${process.pid}-${name}`);
      await writeFile(file, text);
      const before = await entryCount();
      const result = await run('src/commands/sync.ts', ['--from', file, ...extra]);
      expect(result.code).toBe(1);
      expect(result.output.trim().split('\n')).toHaveLength(1);
      expect(result.output).toMatch(/^sync: /);
      expect(await entryCount()).toBe(before);
    },
  );

  it('ends an unreachable URL with one line and exit code 1', async () => {
    const result = await run('src/commands/sync.ts', [
      '--from',
      'http://127.0.0.1:47/registry.csv',
    ]);
    expect(result.code).toBe(1);
    expect(result.output.trim()).toMatch(
      /^sync: cannot fetch http:\/\/127\.0\.0\.1:47\/registry\.csv: .*ECONNREFUSED/,
    );
  });

  it('refuses unknown options with usage and exit code 2', async () => {
    const result = await run('src/commands/sync.ts', ['--form', V1]);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/usage: npm run sync/);
  });
});

describe('the seed command', () => {
  it('loads the bundled registry: over 12,000 entries, 80/tcp primary http', async () => {
    const result = await run('seed/main.ts', []);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/applied bundle/);
    expect(await entryCount()).toBeGreaterThan(12_000);
    const { rows } = await db.pool.query(
      `SELECT service_name FROM registry_entries WHERE port_start = 80 AND protocol = 'tcp' AND "primary"`,
    );
    expect(rows).toEqual([{ service_name: 'http' }]);
  });
});
