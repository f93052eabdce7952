import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SNAPSHOT, SNAPSHOT_PATH } from '../support/snapshot.js';
import { listeningUrl, spawnTs, waitFor, type Spawned } from '../support/processes.js';

/**
 * The process as `npm start` runs it, on the embedded PostgreSQL under a DATA_DIR of its own:
 * first start offline, a second process on the same directory, the sync command beside a running
 * server, SIGTERM, and a start after a SIGKILL.
 */
let dataDir: string;
const running: Spawned[] = [];

function startServer(): Spawned {
  const server = spawnTs('src/server.ts', [], {
    DATA_DIR: dataDir,
    PORT: '0',
    // Nothing listens on port 47 here: the first start must fall back to the bundle at once.
    REGISTRY_SYNC_URL: 'http://127.0.0.1:47/service-names-port-numbers.csv',
    DATABASE_URL: '',
  });
  running.push(server);
  return server;
}

async function readyUrl(server: Spawned): Promise<string> {
  let url: string | null = null;
  await waitFor(
    'the server to listen',
    () => (url = listeningUrl(server.output())) !== null,
    20_000,
    server.output,
  );
  await waitFor('the server to be ready', async () => {
    const response = await fetch(`${url}/health/ready`).catch(() => null);
    return response?.status === 200;
  });
  return url as unknown as string;
}

function postmasterPid(): number | null {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) return null;
  return Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'port-registry-server-'));
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  for (const server of running) server.child.kill('SIGKILL');
  const pid = postmasterPid();
  if (pid) process.kill(pid, 'SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await rm(dataDir, { recursive: true, force: true });
});

describe('the server on its embedded PostgreSQL', () => {
  let first: Spawned;
  let url: string;

  it('starts offline on an empty DATA_DIR, seeded from the bundle, within seconds', async () => {
    const started = Date.now();
    first = startServer();
    url = await readyUrl(first);
    const elapsed = Date.now() - started;
    const summary = (await (await fetch(`${url}/v1/registry`)).json()) as {
      entries: { total: number };
      lastSync: { source: string };
    };
    expect(summary.entries.total).toBeGreaterThan(12_000);
    expect(summary.lastSync.source).toBe('bundle');
    expect(elapsed).toBeLessThan(20_000); // a bound against hangs, not a benchmark
  });

  it('refuses a second server on the same DATA_DIR with a clear error, store untouched', async () => {
    const second = startServer();
    const code = await second.exited;
    expect(code).toBe(1);
    expect(second.output()).toMatch(/DATA_DIR .* is in use by another Port Registry process/);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
  });

  it('lets the sync command use the running server’s database; the server then serves it', async () => {
    const from = HAS_SNAPSHOT ? SNAPSHOT_PATH : path.resolve('test/fixtures/registry/small-v1.csv');
    const sync = spawnTs('src/commands/sync.ts', ['--from', from], {
      DATA_DIR: dataDir,
      DATABASE_URL: '',
    });
    expect(await sync.exited).toBe(0);
    expect(sync.output()).toMatch(/added \d+, changed \d+, removed \d+/);
    await waitFor(
      'the server to serve the synced registry',
      async () => {
        const summary = (await (await fetch(`${url}/v1/registry`)).json()) as {
          lastSync: { source: string };
        };
        return summary.lastSync.source === from;
      },
      5_000,
    );
  });

  it('stops cleanly on SIGTERM: exit 0, PostgreSQL stopped, directory released', async () => {
    const pid = postmasterPid();
    expect(pid).not.toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'owner.json'))).toBe(false);
    expect(() => process.kill(pid as number, 0)).toThrow();
  });

  it('starts again after a SIGKILL left PostgreSQL running, with the data kept', async () => {
    const killed = startServer();
    await readyUrl(killed);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const orphan = postmasterPid();
    expect(orphan).not.toBeNull();

    const next = startServer();
    const nextUrl = await readyUrl(next);
    const summary = (await (await fetch(`${nextUrl}/v1/registry`)).json()) as {
      lastSync: { source: string };
    };
    expect(summary.lastSync.source).not.toBe('bundle');
    expect(await readFile(path.join(dataDir, 'owner.json'), 'utf8')).toContain(
      String(next.child.pid),
    );
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });
});
