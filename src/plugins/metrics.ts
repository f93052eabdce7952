import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Registry as MetricsRegistry } from 'prom-client';

/**
 * Prometheus metrics at GET /metrics (SPEC.md section 5, "Operations"): requests and latencies
 * per route, registry size, last sync age, database pool. One registry per app instance, so that
 * several apps in one process (the tests) do not share counters.
 */
async function metrics(app: FastifyInstance): Promise<void> {
  const registry = new MetricsRegistry();
  collectDefaultMetrics({ register: registry });

  const stats = app.requestStats;
  new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
    collect() {
      stats.fillCounter(this);
    },
  });
  registry.registerMetric(
    stats.histogram(
      'http_request_duration_seconds',
      'Time to answer, by method and route template',
    ),
  );
  new Gauge({
    name: 'registry_entries',
    help: 'Entries in the in-memory registry index (0 until it is loaded)',
    registers: [registry],
    collect() {
      this.set(app.registry.ready ? app.registry.current.size : 0);
    },
  });
  new Gauge({
    name: 'registry_last_sync_age_seconds',
    help: 'Seconds since the last successful registry sync or seed (-1 when none)',
    registers: [registry],
    collect() {
      const at = app.registry.ready ? app.registry.summary().lastSync?.at : undefined;
      this.set(at ? (Date.now() - Date.parse(at)) / 1000 : -1);
    },
  });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (total, idle, waiting requests)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = app.database.pool;
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });

  const route = { schema: { hide: true }, logLevel: 'warn', config: { rateLimit: false } } as const;
  app.get('/metrics', route, async (_request, reply) =>
    reply
      .type(registry.contentType)
      .header('cache-control', 'no-store')
      .send(await registry.metrics()),
  );
}

export default fp(metrics, { name: 'metrics' });
