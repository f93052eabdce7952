/**
 * `npm run test:browser`: starts the service on an embedded PostgreSQL of its own, opens /docs and
 * /graphiql in Debian's Chromium with every other host refused, and fails unless both render and
 * GraphiQL's example query answers.
 *
 *   npm run test:browser                      the service as `npm start` runs it
 *   npm run test:browser -- --url URL         a server already running at URL instead
 *   npm run test:browser -- --screenshots DIR  keep a screenshot of each page in DIR
 *
 * CHROMIUM_PATH overrides /usr/bin/chromium.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { checkUi } from './ui-check.js';

/** The whole check, server start included, gives up after this long. */
const OVERALL_TIMEOUT_MS = 180_000;

function say(message: string): void {
  console.log(`check-ui: ${message}`);
}

async function startLocalServer(dataDir: string): Promise<RunningServer> {
  // The embedded PostgreSQL runs as the unprivileged `postgres` user when this runs as root.
  await chmod(dataDir, 0o755);
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    REGISTRY_SYNC_URL: 'off',
    LOG_LEVEL: 'warn',
  });
  return startServer(config);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, screenshots: { type: 'string' } },
  });
  const screenshotDir =
    values.screenshots ?? (await mkdtemp(path.join(os.tmpdir(), 'port-registry-ui-')));

  let server: RunningServer | null = null;
  let dataDir: string | null = null;
  try {
    let baseUrl = values.url;
    if (!baseUrl) {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'port-registry-ui-data-'));
      say('starting the service on an embedded PostgreSQL');
      server = await startLocalServer(dataDir);
      baseUrl = server.url;
    }
    const result = await checkUi(baseUrl, {
      screenshotDir,
      alwaysScreenshot: values.screenshots !== undefined,
      chromiumPath: process.env.CHROMIUM_PATH,
      log: say,
    });
    for (const file of result.screenshots) say(`screenshot: ${file}`);
    if (result.failures.length > 0) {
      console.error(`check-ui: FAILED, ${result.failures.length} problem(s):`);
      for (const failure of result.failures) console.error(`  - ${failure}`);
      return 1;
    }
    say('ok: /docs and /graphiql render offline and GraphiQL answers its example query');
    return 0;
  } finally {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

const timer = setTimeout(() => {
  console.error(`check-ui: FAILED, gave up after ${OVERALL_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
timer.unref();

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`check-ui: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
