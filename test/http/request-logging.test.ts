import { Writable } from 'node:stream';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from '../../src/app.js';
import { DeferredChildLogger } from '../../src/http/deferred-logger.js';
import { Registry } from '../../src/registry/registry.js';
import { openTestDatabase } from '../support/database.js';

const V1 = path.resolve('test/fixtures/registry/small-v1.csv');

/** The app logging JSON lines at `level` into an array. */
async function loggingApp(level: string) {
  const database = await openTestDatabase();
  const registry = new Registry(database.pool);
  await registry.sync({ from: V1 });
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildApp({ registry, database, logger: { level, stream } });
  await app.ready();
  return { app, lines, close: async () => (await app.close(), await database.close()) };
}

describe('request logs', () => {
  const opened: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const subject of opened.splice(0)) await subject.close();
  });

  it('at info: every request logged in and out with its request id', async () => {
    const subject = await loggingApp('info');
    opened.push(subject);
    await request(subject.app.server).get('/v1/ports/443').set('x-request-id', 'trace-me-1');
    const mine = subject.lines.filter((line) => line.reqId === 'trace-me-1');
    expect(mine.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
  });

  it('at warn: nothing for a good request; a failure logged with its request id and echoed', async () => {
    const subject = await loggingApp('warn');
    opened.push(subject);
    expect((await request(subject.app.server).get('/v1/ports/443')).status).toBe(200);
    expect(subject.lines).toEqual([]);
    vi.spyOn(subject.app.reads, 'port').mockImplementation(() => {
      throw new Error('boom');
    });
    const failed = await request(subject.app.server).get('/v1/ports/444');
    expect(failed.status).toBe(500);
    const id = failed.headers['x-request-id'];
    expect(id).toBeTruthy();
    const errors = subject.lines.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ reqId: id, msg: 'request failed' });
  });
});

describe('DeferredChildLogger', () => {
  function parent(level: string) {
    const written: unknown[][] = [];
    const child = vi.fn(() => made);
    const made = {
      level,
      info: (...args: unknown[]) => written.push(['info', ...args]),
      error: (...args: unknown[]) => written.push(['error', ...args]),
    } as unknown as FastifyBaseLogger;
    const logger = {
      level,
      child,
      isLevelEnabled: (at: string) => ['error', 'fatal', 'warn'].includes(at) || level === 'info',
    } as unknown as FastifyBaseLogger;
    return { logger, child, written };
  }

  it('makes the child only for a line at an enabled level', () => {
    const { logger, child, written } = parent('warn');
    const deferred = new DeferredChildLogger(logger, { reqId: 'r1' });
    deferred.info('not written');
    deferred.debug('not written');
    expect(child).not.toHaveBeenCalled();
    deferred.error({ err: 'x' }, 'written');
    expect(child).toHaveBeenCalledTimes(1);
    expect(child).toHaveBeenCalledWith({ reqId: 'r1' });
    expect(written).toEqual([['error', { err: 'x' }, 'written']]);
    deferred.error('again');
    expect(child).toHaveBeenCalledTimes(1);
  });
});
