import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  call,
  createKey,
  createOrg,
  OPERATOR_KEY,
  openOrgApp,
  type AuditEvent,
  type OrgFixture,
} from '../orgs/support.js';
import type { TestApp } from '../support/app.js';
import { graphql } from './graphql-app.js';
import {
  ALLOCATE_PORT,
  AUDIT_EVENT,
  CREATE_API_KEY,
  CREATE_ASSIGNMENT,
  CREATE_ORG,
  CREATE_RESERVATION,
  codesOf,
  dataOf,
  DELETE_ASSIGNMENT,
  DELETE_RESERVATION,
  REVOKE_API_KEY,
  UPDATE_ASSIGNMENT,
  type AssignmentResultData,
} from './org-support.js';

/**
 * Writes over GraphQL under concurrency (the database, not the process, decides who wins) and the
 * audit log they leave: the action, the key and the request id of each GraphQL request.
 */
describe('GraphQL writes under concurrency', () => {
  let subject: TestApp;
  let acme: OrgFixture;

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
  });
  afterAll(async () => subject?.close());

  it('lets exactly one of 20 concurrent createAssignment mutations for one port win; the others get CONFLICT naming it', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        graphql(
          subject.app,
          CREATE_ASSIGNMENT,
          {
            org: acme.slug,
            input: { serviceName: `racer-${index}`, protocol: 'tcp', port: 8080, scope: 'race' },
          },
          acme.adminKey,
        ),
      ),
    );
    const winners = answers.filter((answer) => answer.errors.length === 0);
    const losers = answers.filter((answer) => answer.errors.length > 0);
    expect(winners).toHaveLength(1);
    expect(losers.flatMap(codesOf)).toEqual(Array(19).fill('CONFLICT'));
    const winner = (winners[0]?.data.createAssignment as AssignmentResultData).assignment;
    for (const loser of losers) {
      expect(loser.status).toBe(200);
      expect(loser.data).toEqual({ createAssignment: null });
      expect(loser.errors[0]?.extensions.conflict).toMatchObject({
        id: winner.id,
        serviceName: winner.serviceName,
        portStart: 8080,
      });
    }
    const stored = await call(subject.app, 'get', '/v1/orgs/acme/assignments?scope=race', {
      key: acme.adminKey,
    });
    expect((stored.body as { items: unknown[] }).items).toHaveLength(1);
  });

  it('lets one of REST and GraphQL racing for a range win, whichever face it came through', async () => {
    // Every range below holds 9004-9006, so any two of them overlap.
    const body = { serviceName: 'mixed', protocol: 'udp', portStart: 9000, portEnd: 9010 };
    const [rests, graphqls] = await Promise.all([
      Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          call(subject.app, 'post', '/v1/orgs/acme/assignments', {
            key: acme.adminKey,
            body: { ...body, portStart: body.portStart + (index % 5), scope: 'mixed' },
          }),
        ),
      ),
      Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          graphql(
            subject.app,
            CREATE_ASSIGNMENT,
            {
              org: acme.slug,
              input: { ...body, portEnd: body.portEnd - (index % 5), scope: 'mixed' },
            },
            acme.adminKey,
          ),
        ),
      ),
    ]);
    const restWins = rests.filter((response) => response.status === 201).length;
    const graphqlWins = graphqls.filter((answer) => answer.errors.length === 0).length;
    expect(restWins + graphqlWins).toBe(1);
    expect(rests.filter((response) => response.status === 409)).toHaveLength(10 - restWins);
    expect(graphqls.flatMap(codesOf)).toEqual(Array(10 - graphqlWins).fill('CONFLICT'));
  });

  it('never hands out one port twice to 20 concurrent allocatePort mutations', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        graphql(
          subject.app,
          ALLOCATE_PORT,
          {
            org: acme.slug,
            input: { serviceName: `alloc-${index}`, protocol: 'tcp', scope: 'pool' },
          },
          acme.adminKey,
        ),
      ),
    );
    const ports = answers.map(
      (answer) => (dataOf(answer).allocatePort as AssignmentResultData).assignment.portStart,
    );
    expect(new Set(ports).size).toBe(20);
  });

  it('answers one allocation to 10 concurrent allocatePort mutations with one idempotencyKey', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        graphql(
          subject.app,
          ALLOCATE_PORT,
          {
            org: acme.slug,
            input: { serviceName: 'once', protocol: 'tcp', scope: 'idem-race' },
            idempotencyKey: 'deploy-42',
          },
          acme.adminKey,
        ),
      ),
    );
    const results = answers.map((answer) => dataOf(answer).allocatePort as AssignmentResultData);
    expect(new Set(results.map((result) => result.assignment.id)).size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
  });
});

describe('the audit log of GraphQL writes', () => {
  let subject: TestApp;
  let acme: OrgFixture;

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
  });
  afterAll(async () => subject?.close());

  /** Sends a mutation with an X-Request-Id and answers the data of its one field. */
  async function mutate(
    document: string,
    variables: Record<string, unknown>,
    requestId: string,
    key = acme.adminKey,
  ): Promise<Record<string, unknown>> {
    const answer = await graphql(subject.app, document, variables, key, {
      'x-request-id': requestId,
    });
    return dataOf(answer);
  }

  async function eventOf(requestId: string, org = 'acme', key = acme.adminKey) {
    const { items } = await allPages<AuditEvent>(
      subject.app,
      `/v1/orgs/${org}/audit?limit=500`,
      key,
    );
    return items.filter((event) => event.requestId === requestId);
  }

  it('records each mutation with its action, the key and the request id', async () => {
    const actor = `key ${acme.adminPrefix}`;
    const created = (
      await mutate(
        CREATE_ASSIGNMENT,
        { org: 'acme', input: { serviceName: 'audited', protocol: 'tcp', port: 4400 } },
        'gql-create-1',
      )
    ).createAssignment as AssignmentResultData;
    const id = created.assignment.id;
    await mutate(
      UPDATE_ASSIGNMENT,
      { org: 'acme', id, input: { description: 'changed' }, ifVersion: 1 },
      'gql-update-1',
    );
    await mutate(DELETE_ASSIGNMENT, { org: 'acme', id }, 'gql-delete-1');
    await mutate(
      ALLOCATE_PORT,
      { org: 'acme', input: { serviceName: 'alloc', protocol: 'udp' } },
      'gql-allocate-1',
    );
    const reservation = (
      await mutate(
        CREATE_RESERVATION,
        {
          org: 'acme',
          input: { protocol: 'tcp', portStart: 4500, portEnd: 4509, purpose: 'audit block' },
        },
        'gql-reserve-1',
      )
    ).createReservation as { id: number };
    await mutate(DELETE_RESERVATION, { org: 'acme', id: reservation.id }, 'gql-release-1');
    const key = (
      await mutate(CREATE_API_KEY, { org: 'acme', input: { scopes: ['read'] } }, 'gql-key-1')
    ).createApiKey as { apiKey: { id: number } };
    await mutate(REVOKE_API_KEY, { org: 'acme', id: key.apiKey.id }, 'gql-revoke-1');

    const expected: [string, string, string, number][] = [
      ['gql-create-1', 'assignment.create', 'assignment', id],
      ['gql-update-1', 'assignment.update', 'assignment', id],
      ['gql-delete-1', 'assignment.delete', 'assignment', id],
      ['gql-reserve-1', 'reservation.create', 'reservation', reservation.id],
      ['gql-release-1', 'reservation.delete', 'reservation', reservation.id],
      ['gql-key-1', 'key.create', 'api-key', key.apiKey.id],
      ['gql-revoke-1', 'key.revoke', 'api-key', key.apiKey.id],
    ];
    for (const [requestId, action, entityType, entityId] of expected) {
      expect(await eventOf(requestId), requestId).toEqual([
        expect.objectContaining({ action, actor, entityType, entityId: String(entityId) }),
      ]);
    }
    expect(await eventOf('gql-allocate-1')).toEqual([
      expect.objectContaining({ action: 'assignment.create', actor }),
    ]);
    const [update] = await eventOf('gql-update-1');
    expect(update?.before).toMatchObject({ version: 1, description: null });
    expect(update?.after).toMatchObject({ version: 2, description: 'changed' });
  });

  it('records the operator creating an organisation over GraphQL', async () => {
    await mutate(CREATE_ORG, { slug: 'audited-org', name: 'Audited' }, 'gql-org-1', OPERATOR_KEY);
    expect(await eventOf('gql-org-1', 'audited-org', OPERATOR_KEY)).toEqual([
      expect.objectContaining({
        action: 'organization.create',
        actor: 'operator',
        entityType: 'organization',
        entityId: 'audited-org',
      }),
    ]);
  });

  it('shows the same events through org { audit }, newest first, with a request id even when none was sent', async () => {
    const writer = await createKey(subject.app, acme, { scopes: ['write'] });
    const answer = await graphql(
      subject.app,
      CREATE_ASSIGNMENT,
      { org: 'acme', input: { serviceName: 'no-request-id', protocol: 'tcp', port: 4600 } },
      writer.key,
    );
    dataOf(answer);
    const data = dataOf(
      await graphql(
        subject.app,
        `{ org(slug: "acme") { audit(first: 3) { items ${AUDIT_EVENT} nextCursor } } }`,
        {},
        acme.adminKey,
      ),
    );
    const audit = (data.org as { audit: { items: AuditEvent[]; nextCursor: string } }).audit;
    expect(audit.items).toHaveLength(3);
    const [newest] = audit.items;
    expect(newest).toMatchObject({
      action: 'assignment.create',
      actor: `key ${writer.apiKey.prefix}`,
      before: null,
      after: expect.objectContaining({ serviceName: 'no-request-id', portStart: 4600 }),
    });
    expect(newest?.requestId).toEqual(expect.any(String));
    const ids = audit.items.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(audit.nextCursor).toEqual(expect.any(String));
    expect(
      await call(subject.app, 'get', `/v1/orgs/acme/audit?limit=3`, { key: acme.adminKey }).then(
        (response) => response.body,
      ),
    ).toEqual(audit);
  });
});
