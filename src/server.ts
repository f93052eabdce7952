import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { listenToChannel, type ChannelListener } from './db/notifications.js';
import { Registry } from './registry/registry.js';
import { REGISTRY_CHANNEL } from './registry/registry-store.js';
import { scheduleRegistrySync } from './registry/scheduled-sync.js';

/** Shutdown waits this long for in-flight requests before giving up. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

export interface RunningServer {
  app: FastifyInstance;
  registry: Registry;
  database: Database;
  url: string;
  stop(): Promise<void>;
}

/** Starts the whole service: database, registry, HTTP. Used by `npm start` and the tests. */
export async function startServer(config: Config): Promise<RunningServer> {
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  const registry = new Registry(database.pool);
  let listener: ChannelListener | null = null;
  let app: FastifyInstance | null = null;
  // The registry loads (or, on a new database, seeds) while the app is built and starts listening:
  // /health/ready says 503 until it is done.
  const loading = loadOrSeed(registry);
  loading.catch(() => undefined);
  try {
    app = await buildApp({
      registry,
      database,
      adminApiKey: config.ADMIN_API_KEY,
      trustProxy: config.TRUST_PROXY,
      protection: {
        rateLimitMax: config.RATE_LIMIT_MAX,
        rateLimitWindowMs: config.RATE_LIMIT_WINDOW_MS,
        corsOrigins: config.CORS_ORIGINS.split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      },
      logger: {
        level: config.LOG_LEVEL,
        redact: ['req.headers.authorization', 'req.headers.cookie'],
      },
    });
    const log = app.log;
    listener = await listenToChannel({
      url: database.url,
      channel: REGISTRY_CHANNEL,
      onNotify: () =>
        void registry.reload().catch((error) => log.error({ err: error }, 'reload failed')),
      onReconnect: () => void registry.reload().catch(() => undefined),
      log: (message) => log.warn(message),
    });
    const url = await app.listen({ host: config.HOST, port: config.PORT });

    const { firstStart, seeded } = await loading;
    if (firstStart) log.info({ added: seeded }, 'seeded the registry from the bundled data');
    log.info({ entries: registry.current.size, url }, 'registry loaded; ready');
    if (firstStart && config.REGISTRY_SYNC_URL !== 'off') {
      // Never holds up start-up: the bundled seed serves until IANA's file arrives, if it does.
      registry
        .sync({ from: config.REGISTRY_SYNC_URL, timeoutMs: config.REGISTRY_SYNC_TIMEOUT_MS })
        .then((report) =>
          log.info({ ...report, examples: undefined }, 'synced from REGISTRY_SYNC_URL'),
        )
        .catch((error: unknown) =>
          log.warn(`first-start sync skipped, serving the bundled registry: ${String(error)}`),
        );
    }

    const schedule =
      config.REGISTRY_SYNC_INTERVAL_MINUTES > 0 && config.REGISTRY_SYNC_URL !== 'off'
        ? scheduleRegistrySync({
            registry,
            pool: database.pool,
            from: config.REGISTRY_SYNC_URL,
            intervalMs: config.REGISTRY_SYNC_INTERVAL_MINUTES * 60_000,
            timeoutMs: config.REGISTRY_SYNC_TIMEOUT_MS,
            log,
          })
        : null;

    const started = app;
    const openListener = listener;
    return {
      app: started,
      registry,
      database,
      url,
      stop: async () => {
        schedule?.stop();
        await started.close();
        await openListener.close();
        await database.close();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await listener?.close();
    await database.close();
    throw error;
  }
}

/** Loads the registry index; an empty database is first seeded from the bundle. */
async function loadOrSeed(registry: Registry): Promise<{ firstStart: boolean; seeded: number }> {
  if (await registry.isEmpty()) {
    const report = await registry.seed();
    return { firstStart: true, seeded: report.added };
  }
  await registry.reload();
  return { firstStart: false, seeded: 0 };
}

async function main(): Promise<void> {
  let server: RunningServer;
  try {
    server = await startServer(loadConfig());
  } catch (error) {
    console.error(`port-registry: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string, exitCode = 0): void => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      server.app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.stop().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Errors inside requests are answered by Fastify; these are the ones that escaped everything.
  process.on('unhandledRejection', (reason) => {
    server.app.log.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (error) => {
    server.app.log.fatal({ err: error }, 'uncaught exception; shutting down');
    shutdown('uncaughtException', 1);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
