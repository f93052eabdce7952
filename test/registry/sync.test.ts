import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { Registry } from '../../src/registry/registry.js';
import { RegistrySourceError } from '../../src/registry/registry-source.js';
import { openTestDatabase } from '../support/database.js';
import { HAS_SNAPSHOT, SNAPSHOT_NOTE, SNAPSHOT_PATH } from '../support/snapshot.js';

const FIXTURES = path.resolve('test/fixtures/registry');
const V1 = path.join(FIXTURES, 'small-v1.csv');
const V2 = path.join(FIXTURES, 'small-v2.csv');

let db: Database;
let registry: Registry;

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE registry_entries, sync_runs');
  registry = new Registry(db.pool);
});

async function storedKeys(): Promise<string[]> {
  const { rows } = await db.pool.query<{ entry_key: string; content_hash: string }>(
    'SELECT entry_key, content_hash FROM registry_entries ORDER BY entry_key',
  );
  return rows.map((row) => `${row.entry_key}=${row.content_hash}`);
}

describe('sync', () => {
  it('stores every entry of a file into an empty registry and records the run', async () => {
    const report = await registry.sync({ from: V1 });
    expect(report).toMatchObject({ added: 7, changed: 0, removed: 0, total: 7, format: 'csv' });
    expect(report.checksum).toMatch(/^[0-9a-f]{64}$/);
    const runs = await db.pool.query('SELECT source, status, added FROM sync_runs');
    expect(runs.rows).toEqual([{ source: V1, status: 'succeeded', added: 7 }]);
  });

  it('changes nothing when the same file is synced again', async () => {
    await registry.sync({ from: V1 });
    const before = await storedKeys();
    const again = await registry.sync({ from: V1 });
    expect(again).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 7 });
    expect(await storedKeys()).toEqual(before);
  });

  it('applies a newer file as a diff with examples of each kind', async () => {
    await registry.sync({ from: V1 });
    const report = await registry.sync({ from: V2 });
    expect(report).toMatchObject({ added: 1, changed: 1, removed: 1 });
    expect(report.examples).toEqual({
      added: ['https 443/tcp'],
      changed: ['imap 143/tcp'],
      removed: ['gopher 70/tcp'],
    });
    await registry.reload();
    expect(registry.current.entriesForName('IMAP')[0]?.references).toEqual(['RFC9051']);
    expect(registry.current.entriesForName('gopher')).toEqual([]);
  });

  it('reports but does not apply a dry run', async () => {
    await registry.sync({ from: V1 });
    const before = await storedKeys();
    const report = await registry.sync({ from: V2, dryRun: true });
    expect(report).toMatchObject({ dryRun: true, added: 1, changed: 1, removed: 1 });
    expect(await storedKeys()).toEqual(before);
  });

  it.each([
    [
      'an unclosed quote (truncated file)',
      'Service Name,Port Number,Transport Protocol,Description\nhttp,80,tcp,"World',
    ],
    [
      'a port out of range',
      'Service Name,Port Number,Transport Protocol,Description\nhttp,65536,tcp,x',
    ],
    [
      'a non-numeric port',
      'Service Name,Port Number,Transport Protocol,Description\nhttp,80abc,tcp,x',
    ],
    [
      'an unknown protocol',
      'Service Name,Port Number,Transport Protocol,Description\nhttp,80,icmp,x',
    ],
    ['no header', 'http,80,tcp,x\n'],
    ['an empty file', ''],
  ])('refuses %s with one line and leaves the registry as it was', async (_case, text) => {
    await registry.sync({ from: V1 });
    const before = await storedKeys();
    const file = path.join(await tempDir(), 'bad.csv');
    await (await import('node:fs/promises')).writeFile(file, text);
    const error = await registry.sync({ from: file }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RegistrySourceError);
    expect((error as Error).message).not.toContain('\n');
    expect(await storedKeys()).toEqual(before);
    const failed = await db.pool.query("SELECT error FROM sync_runs WHERE status = 'failed'");
    expect(failed.rows).toHaveLength(1);
  });

  it('refuses a missing file and an unknown format', async () => {
    await expect(registry.sync({ from: '/nonexistent/registry.csv' })).rejects.toThrow(
      /cannot read \/nonexistent\/registry.csv: ENOENT/,
    );
    await expect(registry.sync({ from: V1, format: 'yaml' })).rejects.toThrow(
      /unknown format "yaml"/,
    );
    expect(await storedKeys()).toEqual([]);
  });

  it('reads a registry from an http URL and refuses an unreachable one', async () => {
    const body = await readFile(V1);
    const server = http.createServer((request, response) => {
      if (request.url === '/registry.csv') response.end(body);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const report = await registry.sync({ from: `http://127.0.0.1:${port}/registry.csv` });
      expect(report.added).toBe(7);
      await expect(registry.sync({ from: `http://127.0.0.1:${port}/missing.csv` })).rejects.toThrow(
        /HTTP 404/,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(
      registry.sync({ from: 'http://127.0.0.1:47/registry.csv', timeoutMs: 2000 }),
    ).rejects.toThrow(/cannot fetch .*ECONNREFUSED/);
  });

  it(`imports every row of the IANA snapshot, and a re-sync changes nothing${SNAPSHOT_NOTE}`, async ({
    skip,
  }) => {
    if (!HAS_SNAPSHOT) skip();
    const rows = parse(await readFile(SNAPSHOT_PATH), { columns: true }) as Record<
      string,
      string
    >[];
    const report = await registry.sync({ from: SNAPSHOT_PATH });
    expect(report).toMatchObject({ added: rows.length, changed: 0, removed: 0 });

    await registry.reload();
    const counts = registry.current.counts;
    expect(counts.total).toBe(rows.length);
    const byProtocol = { tcp: 0, udp: 0, sctp: 0, dccp: 0, none: 0 };
    for (const row of rows) {
      const protocol = (row['Transport Protocol'] || 'none') as keyof typeof byProtocol;
      byProtocol[protocol] += 1;
    }
    expect(counts.byProtocol).toEqual(byProtocol);
    const named = rows.filter((row) => row['Service Name'] !== '').length;
    expect(counts.byStatus.assigned).toBeGreaterThanOrEqual(named);
    expect(counts.byStatus.assigned + counts.byStatus.reserved + counts.byStatus.unassigned).toBe(
      rows.length,
    );

    const again = await registry.sync({ from: SNAPSHOT_PATH });
    expect(again).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: rows.length });
  });
});

async function tempDir(): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises');
  const os = await import('node:os');
  return mkdtemp(path.join(os.tmpdir(), 'port-registry-sync-'));
}
