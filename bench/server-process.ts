import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { trackChild } from './children.js';

/** A real server process (`node dist/src/server.js`) started by the bench. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 of GET /health/ready. */
  readyMs: number;
  /** Milliseconds from spawn to the "Server listening" and "registry loaded" log lines (info). */
  // Taken from each line's own `time` (pino, epoch ms), not from when the pipe delivered it.
  listeningMs: number | null;
  loadedMs: number | null;
  /** Entries of the loaded registry, from the "ready" log line (null at log levels above info). */
  entries: number | null;
  output(): string;
  /** SIGTERM, then waits for exit (SIGKILL after a bound); returns the exit code. */
  stop(): Promise<number | null>;
}

export interface ServerOptions {
  root: string;
  env: Record<string, string>;
  /** A fixed port; without it PORT=0 and the URL comes from the "Server listening" log line. */
  port?: number;
  timeoutMs?: number;
}

const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;
const STOP_TIMEOUT_MS = 20_000;

/** The NODE_OPTIONS `npm start` gives the server when none are set (package.json). */
export function startNodeOptions(root: string): string {
  const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /NODE_OPTIONS=\$\{NODE_OPTIONS:-([^}]*)\}/.exec(packageJson.scripts.start ?? '');
  if (!match?.[1]) throw new Error('package.json: the start script sets no default NODE_OPTIONS');
  return match[1];
}

/** Spawns the compiled server and waits until it is ready (bounded). */
export async function startServerProcess(options: ServerOptions): Promise<ServerProcess> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Only what the caller gives configures the server, never the bench's own environment.
    if (value !== undefined && !['DATABASE_URL', 'DATA_DIR', 'PORT'].includes(key)) {
      env[key] = value;
    }
  }
  Object.assign(env, {
    // The server runs as `npm start` runs it: with its default V8 heap cap.
    NODE_OPTIONS: startNodeOptions(options.root),
    HOST: '127.0.0.1',
    PORT: String(options.port ?? 0),
    REGISTRY_SYNC_URL: 'off',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const infoLogs = ['info', 'debug', 'trace'].includes(env.LOG_LEVEL ?? '');
  const start = performance.now();
  const startEpoch = Date.now();
  const child = spawn(process.execPath, [path.join(options.root, 'dist/src/server.js')], {
    cwd: options.root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  trackChild(child, env.DATABASE_URL ? null : (env.DATA_DIR ?? null));
  let output = '';
  let entries: number | null = null;
  let listeningMs: number | null = null;
  let loadedMs: number | null = null;
  let listening: string | null = options.port ? `http://127.0.0.1:${options.port}` : null;
  child.on('error', (error) => (output += `${error.message}\n`));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    output += `${line}\n`;
    const message = logMessage(line);
    const url = LISTENING.exec(message.msg)?.[1];
    if (url) {
      listening ??= url;
      listeningMs = message.time - startEpoch;
    }
    if (typeof message.entries === 'number') {
      entries = message.entries;
      loadedMs = message.time - startEpoch;
    }
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const stop = async (): Promise<number | null> => {
    if (exitCode !== undefined) return exitCode;
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const),
    ]);
    if (code !== 'timeout') return code;
    child.kill('SIGKILL');
    return exited;
  };

  const deadline = start + timeoutMs;
  try {
    while (performance.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`the server exited with code ${exitCode}`);
      if (listening && (await readyStatus(listening)) === 200) {
        const readyMs = performance.now() - start;
        // The "ready" log line may still be in the pipe; it only adds detail, so wait a little.
        for (let waited = 0; waited < 1_000 && entries === null && infoLogs; waited += 10) {
          await sleep(10);
        }
        const url = listening;
        return {
          url,
          pid: child.pid ?? 0,
          readyMs,
          listeningMs,
          loadedMs,
          entries,
          output: () => output,
          stop,
        };
      }
      await sleep(10);
    }
    throw new Error(`the server was not ready within ${timeoutMs} ms`);
  } catch (error) {
    await stop();
    const tail = output.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tail}`);
  }
}

/** The status of one GET, or 0 when the request fails; bounded to one second. */
export function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 1_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

function readyStatus(base: string): Promise<number> {
  return getStatus(`${base}/health/ready`);
}

interface LogMessage {
  msg: string;
  time: number;
  entries?: unknown;
}

function logMessage(line: string): LogMessage {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null) {
      const { msg, time, entries } = parsed as { msg?: unknown; time?: unknown; entries?: unknown };
      return {
        msg: typeof msg === 'string' ? msg : '',
        time: typeof time === 'number' ? time : Date.now(),
        entries,
      };
    }
  } catch {
    // Not a JSON log line (a stack trace, a warning of Node): nothing to read from it.
  }
  return { msg: '', time: Date.now() };
}
