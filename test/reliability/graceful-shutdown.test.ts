import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { Registry } from '../../src/registry/registry.js';
import { openTestDatabase } from '../support/database.js';
import { readyServerUrl, type Spawned, spawnTs, waitFor } from '../support/processes.js';

/**
 * SIGTERM under load: the server stops accepting, finishes every request it started, and exits 0.
 * The server's own log proves it: each "incoming request" has its "request completed". On the
 * client side no answer may be a 5xx or be cut off. Connections still in the kernel's accept queue
 * when the listener closes are reset before any request reaches the server (like a refused
 * connection); they are counted apart.
 */
let db: Database & { testDb: { url: string } };
beforeAll(async () => {
  db = await openTestDatabase();
  await new Registry(db.pool).seed();
});
const spawned: Spawned[] = [];
afterAll(async () => {
  for (const server of spawned) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await db.close();
});

type Outcome = 'ok' | 'refused' | 'reset' | 'failed';
const failures: string[] = [];

function get(url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const request = http.get(
      url,
      { agent: false, headers: { connection: 'close' } },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          const ok = response.statusCode !== undefined && response.statusCode < 500;
          if (!ok) failures.push(`${response.statusCode} ${url} ${body.slice(0, 200)}`);
          resolve(ok ? 'ok' : 'failed');
        });
        response.on('error', (error) => {
          failures.push(`response ${url}: ${error.message}`);
          resolve('failed');
        });
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') return resolve('refused');
      if (error.code === 'ECONNRESET') return resolve('reset');
      failures.push(`request ${url}: ${error.code ?? ''} ${error.message}`);
      resolve('failed');
    });
    request.setTimeout(10_000, () => request.destroy(new Error('timeout')));
  });
}

describe('SIGTERM under load', () => {
  it('finishes accepted requests, fails none, and exits 0 within the bound', async () => {
    const server = spawnTs('src/server.ts', [], {
      DATABASE_URL: db.testDb.url,
      PORT: '0',
      REGISTRY_SYNC_URL: 'off',
      RATE_LIMIT_MAX: '0',
      LOG_LEVEL: 'info',
    });
    spawned.push(server);
    const base = await readyServerUrl(server);

    const outcomes: Outcome[] = [];
    let stop = false;
    const paths = [
      '/v1/ports/443',
      '/v1/services/http',
      '/v1/ports?from=1&to=2000&limit=500',
      '/v1/free-ports?count=100',
    ];
    const workers = Array.from({ length: 16 }, async (_, worker) => {
      for (let i = 0; !stop && i < 5_000; i += 1) {
        const outcome = await get(`${base}${paths[(worker + i) % paths.length]}`);
        outcomes.push(outcome);
        if (outcome === 'refused' || outcome === 'reset') return;
      }
    });
    await waitFor('some load', () => outcomes.length >= 200, 20_000);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const code = await server.exited;
    const took = Date.now() - signalled;
    stop = true;
    await Promise.all(workers);

    expect(code).toBe(0);
    expect(took).toBeLessThan(10_000);
    expect(failures).toEqual([]);
    expect(outcomes.filter((outcome) => outcome === 'failed')).toHaveLength(0);
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(200);
    expect(server.output()).toMatch(/shutting down/);
    const log = server.output();
    const started = log.match(/"msg":"incoming request"/g)?.length ?? 0;
    const completed = log.match(/"msg":"request completed"/g)?.length ?? 0;
    expect(started).toBeGreaterThanOrEqual(200);
    expect(completed).toBe(started);
  });
});
