import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { waitFor } from '../support/processes.js';

/**
 * The database goes away under a running server and comes back: registry reads keep answering
 * from memory, routes that need the database answer 503 with Retry-After, readiness turns 503,
 * and everything resumes by itself when the database returns.
 */
const OPERATOR = 'operator-key-for-outage-tests';
let dataDir: string;
let port: number;
let postgres: EmbeddedDatabase;
let server: RunningServer;
let orgKey: string;

async function startPostgres(): Promise<EmbeddedDatabase> {
  return startEmbeddedPostgres({ dataDir, mode: 'own', ephemeral: true, port });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'port-registry-outage-'));
  await chmod(dataDir, 0o755);
  port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address() as net.AddressInfo;
      probe.close(() => resolve(address.port));
    });
  });
  postgres = await startPostgres();
  server = await startServer(
    loadConfig({
      DATABASE_URL: postgres.url,
      PORT: '0',
      REGISTRY_SYNC_URL: 'off',
      ADMIN_API_KEY: OPERATOR,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_MAX: '0',
    }),
  );
  const created = await request(server.app.server)
    .post('/v1/orgs')
    .set('Authorization', `Bearer ${OPERATOR}`)
    .send({ slug: 'acme', name: 'Acme' });
  orgKey = created.body.key;
}, 60_000);

afterAll(async () => {
  await server?.stop().catch(() => undefined);
  await postgres?.stop().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

describe('a database outage', () => {
  it('keeps registry reads answering, gives 503 with Retry-After elsewhere, and recovers alone', async () => {
    const http = () => request(server.app.server);
    const assign = (portNumber: number) =>
      http()
        .post('/v1/orgs/acme/assignments')
        .set('Authorization', `Bearer ${orgKey}`)
        .send({ serviceName: 'billing', protocol: 'tcp', port: portNumber });
    expect((await assign(8100)).status).toBe(201);

    await postgres.stop();

    expect((await http().get('/v1/ports/443')).status).toBe(200);
    expect((await http().get('/v1/services/http')).status).toBe(200);
    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ database: false, registry: true });
    const write = await assign(8101);
    expect(write.status).toBe(503);
    expect(write.headers['retry-after']).toMatch(/^\d+$/);
    expect(write.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(write.text).not.toMatch(/ECONNREFUSED|SELECT|at .*\.ts/);
    expect(
      (await http().get('/v1/ports/443?org=acme').set('Authorization', `Bearer ${orgKey}`)).status,
    ).toBe(503);

    postgres = await startPostgres();
    await waitFor(
      'readiness after the database returned',
      async () => (await http().get('/health/ready')).status === 200,
      20_000,
    );
    expect((await assign(8101)).status).toBe(201);
    const report = await http()
      .get('/v1/ports/8101?org=acme')
      .set('Authorization', `Bearer ${orgKey}`);
    expect(report.body.organization).toHaveLength(1);
  });
});
