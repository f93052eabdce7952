import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Bookkeeping of the processes the bench starts (servers, the bare Fastify baseline), so that
 * the cleanup stops every one of them, on success, failure, interrupt and watchdog alike.
 */

const STOP_TIMEOUT_MS = 20_000;

/** Children of the bench still running, with the DATA_DIR of those serving an embedded store. */
const running = new Map<ChildProcess, string | null>();
let closed = false;

/**
 * Registers a child so the cleanup stops it; after the cleanup began, kills it and throws, so a
 * benchmark still running when the bench is aborted cannot leave processes behind.
 */
export function trackChild(child: ChildProcess, dataDir: string | null = null): void {
  if (closed) {
    child.kill('SIGKILL');
    throw new Error('the bench is shutting down');
  }
  running.set(child, dataDir);
  child.once('exit', () => running.delete(child));
}

/**
 * Stops every child still running (the bench's cleanup, on success and on failure alike) and the
 * PostgreSQL of any embedded store among them; no child can be started afterwards.
 */
export async function stopAllChildren(): Promise<void> {
  closed = true;
  await Promise.all(
    [...running].map(async ([child, dataDir]) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => 'timeout')]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        await Promise.race([exited, sleep(5_000)]);
      }
      if (dataDir) await stopLeftoverPostgres(dataDir);
    }),
  );
}

/**
 * Stops a PostgreSQL that a killed embedded-store server left running in `dataDir` (its own
 * child, found by the pid file), with PostgreSQL's fast shutdown.
 */
export async function stopLeftoverPostgres(dataDir: string): Promise<void> {
  const text = await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let waited = 0; waited < 15_000; waited += 100) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
}

/** Resident set size of a process, in bytes (Linux /proc), for the memory figure. */
export async function residentBytes(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : null;
}

/** A port nobody listens on right now (for servers started at a log level without the URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
