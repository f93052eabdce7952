import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/registry/registry.js';
import { openTestApp, type TestApp } from '../support/app.js';
import { openTestDatabase } from '../support/database.js';
import { spawnTs } from '../support/processes.js';

/**
 * `port-registry` as a process: against a running server (`--url`) and against a database
 * (DATABASE_URL), with its exit codes 0 (found), 1 (not found, no answer) and 2 (bad input).
 */
const V1 = path.resolve('test/fixtures/registry/small-v1.csv');
/** Each test spawns Node with tsx, one to three times, beside the other test files. */
const PROCESS_TESTS = { timeout: 90_000 };
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `src/cli.ts` with a clean lookup environment: no server URL, no colour, no embedded store. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const spawned = spawnTs('src/cli.ts', args, {
    LOG_LEVEL: 'silent',
    PORT_REGISTRY_URL: '',
    NO_COLOR: '1',
    ...env,
  });
  let stdout = '';
  let stderr = '';
  spawned.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  spawned.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await spawned.exited;
  return { code, stdout, stderr };
}

function expectOneLineError(run: Run, code: number, message: RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^port-registry: /);
  expect(run.stderr).toMatch(message);
}

/** A port nothing listens on: one just freed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let server: TestApp;
let serverUrl: string;
let localUrl: string;
let emptyUrl: string;
const closers: (() => Promise<void>)[] = [];

async function rest(pathAndQuery: string): Promise<unknown> {
  const response = await fetch(`${serverUrl}${pathAndQuery}`);
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  server = await openTestApp({ syncFrom: V1 });
  closers.push(() => server.close());
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  serverUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;

  const local = await openTestDatabase();
  closers.push(() => local.close());
  await new Registry(local.pool).sync({ from: V1 });
  localUrl = local.testDb.url;

  const empty = await openTestDatabase();
  closers.push(() => empty.close());
  emptyUrl = empty.testDb.url;
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe.concurrent('port-registry --url (a running server)', PROCESS_TESTS, () => {
  it('describes port 80: http on tcp with its alias, a privileged system port', async () => {
    const run = await cli(['--url', serverUrl, '80']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '80  http (tcp)   System port (0-1023), privileged',
      '  tcp   assigned    http         World Wide Web HTTP',
      '                    also www',
    ]);
    expect(lines).toContain('  udp   unassigned');
    expect(lines).toContain(
      '  Ephemeral: no (Linux 32768-60999, Windows/macOS 49152-65535, FreeBSD 10000-65535)',
    );
  });

  it('prints with --json exactly the REST PortReport, for all protocols and for one', async () => {
    const all = await cli(['--url', serverUrl, '--json', '80']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toEqual(await rest('/v1/ports/80'));
    const udp = await cli(['--url', serverUrl, '--json', '143/udp']);
    expect(JSON.parse(udp.stdout)).toEqual(await rest('/v1/ports/143?protocol=udp'));
  });

  it('prints with --json exactly the REST ServiceReport, an alias answering as its primary', async () => {
    const run = await cli(['--url', serverUrl, '--json', 'WWW']);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { name: string };
    expect(body.name).toBe('http');
    expect(body).toEqual(await rest('/v1/services/WWW'));
  });

  it('describes a service through its alias, with the port to connect to', async () => {
    const run = await cli(['--url', serverUrl, 'www']);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      'http  World Wide Web HTTP  (www is an alias of http)',
      '  Aliases: www',
      '  tcp   80     assigned    primary  World Wide Web HTTP',
      '  Connect to: 80/tcp',
    ]);
  });

  it('asks the server named by PORT_REGISTRY_URL when --url is absent', async () => {
    const run = await cli(['gopher'], { PORT_REGISTRY_URL: serverUrl });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^gopher {2}Gopher\n/);
    expect(run.stdout).toContain('  Connect to: 70/tcp');
  });

  it('ends an unknown service with one line and exit code 1', async () => {
    const run = await cli(['--url', serverUrl, 'nosuch']);
    expectOneLineError(run, 1, /no service named "nosuch"/);
  });

  it('ends an unreachable server with one line and exit code 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await cli(['--url', url, '80']);
    expectOneLineError(run, 1, new RegExp(`cannot reach ${url}: .*ECONNREFUSED`));
  });
});

describe.concurrent('port-registry on the local database (DATABASE_URL)', PROCESS_TESTS, () => {
  it('describes 143/udp as reserved', async () => {
    const run = await cli(['143/udp'], { DATABASE_URL: localUrl });
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').slice(0, 2)).toEqual([
      '143  reserved (udp)   System port (0-1023), privileged',
      '  udp   reserved',
    ]);
  });

  it('prints with --json the same PortReport and ServiceReport as the REST API', async () => {
    const port = await cli(['--json', '80'], { DATABASE_URL: localUrl });
    expect(port.code).toBe(0);
    expect(JSON.parse(port.stdout)).toEqual(await rest('/v1/ports/80'));
    const service = await cli(['--json', '--protocol', 'tcp', 'imap'], {
      DATABASE_URL: localUrl,
    });
    expect(JSON.parse(service.stdout)).toEqual(await rest('/v1/services/imap?protocol=tcp'));
  });

  it('ends an unknown service with one line and exit code 1', async () => {
    const run = await cli(['nosuch'], { DATABASE_URL: localUrl });
    expectOneLineError(run, 1, /no service named "nosuch"/);
  });

  it('says so when the registry is empty, and suggests npm run seed', async () => {
    const run = await cli(['80'], { DATABASE_URL: emptyUrl });
    expectOneLineError(run, 1, /the registry is empty: load it with `npm run seed`/);
  });

  it('ends an unreachable database with one line and exit code 1', async () => {
    const url = `postgresql://nobody:secret@127.0.0.1:${await closedPort()}/none`;
    const run = await cli(['80'], { DATABASE_URL: url });
    expectOneLineError(run, 1, /cannot open DATABASE_URL: /);
    expect(run.stderr).not.toContain('secret');
  });
});

describe.concurrent('port-registry input, help and version', PROCESS_TESTS, () => {
  it.each([
    [['080'], /"080": port must not have leading zeros/],
    [['6000-6063'], /one port at a time, not a range/],
    [['--protocol', 'tcp', '53/udp'], /names udp but --protocol says tcp/],
    [['two words'], /is neither a port .* nor a service name/],
    [['--verbose', '80'], /unknown option '--verbose'/],
  ])('refuses %j with one line and exit code 2, before any lookup', async (args, message) => {
    // No server and no database: bad input is refused before either is asked.
    const run = await cli(args, { DATABASE_URL: 'postgresql://127.0.0.1:1/none' });
    expectOneLineError(run, 2, message);
  });

  it('prints usage with --help and the version with --version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: port-registry \[options\] <port or name>/);
    for (const line of help.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${VERSION}\n`);
  });
});

describe('bin/port-registry.js', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'port-registry-bin-'));
    await mkdir(path.join(root, 'bin'));
    await copyFile('bin/port-registry.js', path.join(root, 'bin', 'port-registry.js'));
    await writeFile(path.join(root, 'package.json'), '{ "type": "module" }\n');
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  async function shim(args: string[]): Promise<Run> {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'port-registry.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, stdout, stderr };
  }

  it('tells the user to run npm run build when dist/src/cli.js is missing', async () => {
    const run = await shim(['443']);
    expectOneLineError(run, 1, /run `npm run build`/);
  });

  it('runs the compiled command line with the arguments given', async () => {
    await mkdir(path.join(root, 'dist', 'src'), { recursive: true });
    await writeFile(
      path.join(root, 'dist', 'src', 'cli.js'),
      "console.log('compiled cli', process.argv.slice(2).join(' '));\n",
    );
    const run = await shim(['--json', '443']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('compiled cli --json 443\n');
  });
});
