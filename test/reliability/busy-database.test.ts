import type pg from 'pg';
import { isDatabaseUnavailable } from '../../src/db/errors.js';
import type { Principal } from '../../src/registry/principal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { openTestApp } from '../support/app.js';
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
 * A database too busy to take a write in time: a transaction that cannot start within its
 * `maxWait`, or runs past its `timeout`, is rolled back and answers 503 with Retry-After (never
 * 500), and the same request succeeds once the database is free. The limits are cut to
 * milliseconds here (60 s in the product, db/database.ts) so that the line runs out at once.
 */
const LIMITS = { maxWait: 300, timeout: 600 };
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
      transactionLimits: LIMITS,
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
      await new Promise((resolve) => setTimeout(resolve, LIMITS.timeout * 2));
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

  it('fails a write as unavailable when no connection is free within maxWait', async () => {
    const org = await subject.app.orgs.organizations.access(OPERATOR, acme.slug, 'write');
    const before = await rowCounts(subject);
    const held: pg.PoolClient[] = [];
    let failure: unknown;
    try {
      for (let i = 0; i < subject.database.pool.options.max; i += 1) {
        held.push(await subject.database.pool.connect());
      }
      // Straight to the domain: over HTTP the key check would wait for the pool first.
      failure = await subject.app.orgs.assignments
        .create(
          org,
          { principal: OPERATOR, requestId: null },
          {
            serviceName: 'busy-writer',
            protocol: 'tcp',
            port: 8310,
          },
        )
        .then(
          () => undefined,
          (error: unknown) => error,
        );
    } finally {
      for (const client of held) client.release();
    }
    expect(String(failure)).toMatch(/Unable to start a transaction in the given time/);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(await rowCounts(subject)).toEqual(before);
    expect((await assign(8310)).status).toBe(201);
  });
});
