import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../src/db/database.js';
import { isDatabaseUnavailable } from '../../src/db/errors.js';
import type { Principal } from '../../src/registry/principal.js';
import type { TestApp } from '../support/app.js';
import { openTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { adminQuery, withDatabase } from '../support/global-setup.js';
import { waitFor } from '../support/processes.js';
import { graphql } from '../graphql/graphql-app.js';
import { CREATE_ASSIGNMENT, onlyError } from '../graphql/org-support.js';
import {
  OPERATOR_KEY,
  SMALL_REGISTRY,
  call,
  createOrg,
  problemOf,
  rowCounts,
  type OrgFixture,
} from '../orgs/support.js';

/**
 * A database too busy to serve a request in time: one that gets no connection within `maxWait`,
 * or whose transaction runs past its `timeout`, answers 503 with Retry-After (never 500) with
 * nothing written, and the same request succeeds once the database is free. The waits are cut to
 * milliseconds here (15 s and 60 s in the product, db/database.ts) so that they run out at once.
 */
const WAITS = { maxWait: 300, timeout: 600 };
const BUSY = 'the database is unavailable or too busy; try again shortly';
const OPERATOR: Principal = { kind: 'operator', label: 'operator' };

describe('a database too busy for a write', () => {
  let subject: TestApp;
  let acme: OrgFixture;
  const assign = (port: number) =>
    call(subject.app, 'post', `/v1/orgs/${acme.slug}/assignments`, {
      key: acme.adminKey,
      body: { serviceName: 'busy-writer', protocol: 'tcp', port },
    });
  const expectBusy = (response: Awaited<ReturnType<typeof assign>>) => {
    expect(response.status, response.text).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(problemOf(response).detail).toBe(BUSY);
    expect(response.text).not.toMatch(/P2028|transaction|Prisma/i);
  };

  beforeAll(async () => {
    subject = await openTestApp({
      syncFrom: SMALL_REGISTRY,
      adminApiKey: OPERATOR_KEY,
      databaseWaits: WAITS,
    });
    await subject.app.listen({ port: 0, host: '127.0.0.1' });
    acme = await createOrg(subject.app, 'acme');
  });
  afterAll(async () => subject?.close());

  it('answers 503 to writes waiting on a lock past their time limit, and stores nothing', async () => {
    const before = await rowCounts(subject);
    const blocker = await subject.database.pool.connect();
    let rest: ReturnType<typeof assign> | undefined;
    let overGraphql: ReturnType<typeof graphql> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE assignments IN EXCLUSIVE MODE');
      rest = assign(8300);
      overGraphql = graphql(
        subject.app,
        CREATE_ASSIGNMENT,
        { org: acme.slug, input: { serviceName: 'busy-writer', protocol: 'tcp', port: 8301 } },
        acme.adminKey,
      );
      // The inserts wait on the lock until their transactions' limit has long passed.
      await new Promise((resolve) => setTimeout(resolve, WAITS.timeout * 2));
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expectBusy(await rest);
    const answer = await overGraphql;
    expect(onlyError(answer, 'SERVICE_UNAVAILABLE').message).toBe(BUSY);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    expect(await rowCounts(subject)).toEqual(before);
    expect((await assign(8300)).status).toBe(201);
  });

  it('answers 503 over REST and GraphQL when no connection is free within maxWait', async () => {
    const org = await subject.app.orgs.organizations.access(OPERATOR, acme.slug, 'write');
    const before = await rowCounts(subject);
    const held: pg.PoolClient[] = [];
    let failure: unknown;
    try {
      for (let i = 0; i < subject.database.pool.options.max; i += 1) {
        held.push(await subject.database.pool.connect());
      }
      // Over HTTP, the key check is the first to wait for a connection.
      expectBusy(await assign(8310));
      const answer = await graphql(
        subject.app,
        CREATE_ASSIGNMENT,
        { org: acme.slug, input: { serviceName: 'busy-writer', protocol: 'tcp', port: 8311 } },
        acme.adminKey,
      );
      expect(onlyError(answer, 'SERVICE_UNAVAILABLE').message).toBe(BUSY);
      // Straight to the domain, the transaction is: it cannot start.
      failure = await subject.app.orgs.assignments
        .create(
          org,
          { principal: OPERATOR, requestId: null },
          { serviceName: 'busy-writer', protocol: 'tcp', port: 8312 },
        )
        .then(
          () => undefined,
          (error: unknown) => error,
        );
    } finally {
      for (const client of held) client.release();
    }
    expect(String(failure)).toMatch(
      /Unable to start a transaction in the given time|timeout exceeded when trying to connect/,
    );
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(await rowCounts(subject)).toEqual(before);
    expect((await assign(8310)).status).toBe(201);
  });
});

/**
 * PostgreSQL refusing a new connection (SQLSTATE 53300, "too many connections"): the app runs as
 * a role allowed one connection, and the test holds it. Writes and organisation reads answer 503
 * with Retry-After, registry reads keep answering from memory, and all resumes once it is free.
 */
describe('a database with no connection to spare', () => {
  const role = `pr_limited_${randomBytes(4).toString('hex')}`;
  const adminUrl = inject('adminDatabaseUrl');
  let testDb: TestDatabase;
  let limited: TestApp;
  let orgKey: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    const url = withDatabase(adminUrl, testDb.name);
    await adminQuery(url, `CREATE ROLE ${role} LOGIN PASSWORD '${role}'`);
    await adminQuery(
      url,
      `GRANT ALL ON SCHEMA public TO ${role};
       GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role};
       GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    );
    const asRole = new URL(url);
    asRole.username = role;
    asRole.password = role;
    limited = await openTestApp({
      database: connectDatabase(asRole.toString(), { poolSize: 5 }),
      syncFrom: SMALL_REGISTRY,
      adminApiKey: OPERATOR_KEY,
    });
    orgKey = (await createOrg(limited.app, 'acme')).adminKey;
    // From here the role may hold one connection; the pool drops the ones it had.
    await adminQuery(adminUrl, `ALTER ROLE ${role} CONNECTION LIMIT 1`);
    await adminQuery(
      adminUrl,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`,
    );
    await waitFor(
      'the pool to drop its closed connections',
      () => limited.database.pool.totalCount === 0,
    );
  });
  afterAll(async () => {
    await limited?.close();
    await testDb?.drop();
    await adminQuery(adminUrl, `DROP ROLE IF EXISTS ${role}`);
  });

  it('answers 503 with Retry-After over REST and GraphQL while PostgreSQL refuses connections', async () => {
    const { app, database } = limited;
    const assign = (port: number) =>
      call(app, 'post', '/v1/orgs/acme/assignments', {
        key: orgKey,
        body: { serviceName: 'crowded', protocol: 'tcp', port },
      });
    const held = await database.pool.connect();
    try {
      const refused = await database.pool.connect().then(
        (client) => {
          client.release();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect((refused as { code?: string } | undefined)?.code).toBe('53300');
      const write = await assign(8400);
      expect(write.status, write.text).toBe(503);
      expect(write.headers['retry-after']).toMatch(/^\d+$/);
      expect(problemOf(write).detail).toBe(BUSY);
      const read = await call(app, 'get', '/v1/orgs/acme/assignments', { key: orgKey });
      expect(read.status, read.text).toBe(503);
      const answer = await graphql(
        app,
        CREATE_ASSIGNMENT,
        { org: 'acme', input: { serviceName: 'crowded', protocol: 'tcp', port: 8401 } },
        orgKey,
      );
      expect(onlyError(answer, 'SERVICE_UNAVAILABLE').message).toBe(BUSY);
      expect((await call(app, 'get', '/v1/ports/443')).status).toBe(200);
      const rows = await held.query<{ count: string }>('SELECT count(*) FROM assignments');
      expect(rows.rows[0]?.count).toBe('0');
    } finally {
      held.release();
    }
    expect((await assign(8400)).status).toBe(201);
  });
});
