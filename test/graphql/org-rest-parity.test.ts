import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bodyOf,
  call,
  createOrg,
  expectStatus,
  openOrgApp,
  problemOf,
  type AssignmentResult,
  type AssignmentView,
  type OrgFixture,
} from '../orgs/support.js';
import type { TestApp } from '../support/app.js';
import { graphql } from './graphql-app.js';
import {
  ALLOCATE_PORT,
  CREATE_ASSIGNMENT,
  CREATE_RESERVATION,
  dataOf,
  onlyError,
  UPDATE_ASSIGNMENT,
} from './org-support.js';
import { selectAll } from './selection.js';

/**
 * The organisation API answers the same over REST and GraphQL: what one face writes, the other
 * reads field for field (selecting every field but the GraphQL-only ones), and a refusal carries
 * the same reasons on both.
 */
describe('REST and GraphQL agree on organisation data', () => {
  let subject: TestApp;
  let acme: OrgFixture;

  const rest = async (url: string): Promise<unknown> =>
    bodyOf(expectStatus(await call(subject.app, 'get', url, { key: acme.adminKey }), 200, url));
  const ask = async (document: string, variables: Record<string, unknown> = {}) =>
    dataOf(await graphql(subject.app, document, variables, acme.adminKey));
  const RESULT = selectAll('AssignmentResult');

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
  });
  afterAll(async () => subject?.close());

  it('an assignment created over GraphQL reads the same over REST, ETag included', async () => {
    const input = {
      serviceName: 'billing-api',
      protocol: 'tcp',
      portStart: 8443,
      portEnd: 8445,
      scope: 'prod',
      description: 'Billing',
      owner: 'payments',
      tags: ['pci', 'edge'],
    };
    const created = (
      await ask(
        `mutation ($input: AssignmentInput!) { createAssignment(org: "acme", input: $input) { assignment { ${selectAll('Assignment').slice(1, -1)} etag } } }`,
        { input },
      )
    ).createAssignment as { assignment: AssignmentView & { etag: string } };
    const { etag, ...assignment } = created.assignment;
    const response = await call(subject.app, 'get', `/v1/orgs/acme/assignments/${assignment.id}`, {
      key: acme.adminKey,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(assignment);
    expect(response.headers.etag).toBe(etag);
    expect(await rest('/v1/orgs/acme/assignments?scope=prod')).toEqual({
      items: [assignment],
      nextCursor: null,
    });
  });

  it('an assignment created over REST reads the same over GraphQL, alone and in pages', async () => {
    const response = expectStatus(
      await call(subject.app, 'post', '/v1/orgs/acme/assignments', {
        key: acme.adminKey,
        body: { serviceName: 'metrics', protocol: 'udp', port: 9125, owner: 'sre', tags: ['x'] },
      }),
      201,
      'POST assignment',
    );
    const { assignment } = bodyOf<AssignmentResult>(response);
    const data = await ask(
      `query ($id: Int!) { org(slug: "acme") { assignment(id: $id) ${selectAll('Assignment')} etag: assignment(id: $id) { etag } assignments(protocol: udp) ${selectAll('AssignmentConnection')} } }`,
      { id: assignment.id },
    );
    const org = data.org as Record<string, unknown>;
    expect(org.assignment).toEqual(assignment);
    expect(org.etag).toEqual({ etag: response.headers.etag });
    expect(org.assignments).toEqual(await rest('/v1/orgs/acme/assignments?protocol=udp'));
  });

  it('pages of assignments agree cursor for cursor, filters included', async () => {
    for (let index = 0; index < 5; index += 1) {
      await ask(
        `mutation ($input: AssignmentInput!) { createAssignment(org: "acme", input: $input) { assignment { id } } }`,
        { input: { serviceName: `paged-${index}`, protocol: 'sctp', port: 6000 + index } },
      );
    }
    const query = `query ($after: String) { org(slug: "acme") { assignments(protocol: sctp, first: 2, after: $after) ${selectAll('AssignmentConnection')} } }`;
    let cursor: string | null = null;
    let url = '/v1/orgs/acme/assignments?protocol=sctp&limit=2';
    for (let page = 0; page < 3; page += 1) {
      const graphqlPage = ((await ask(query, { after: cursor })).org as Record<string, unknown>)
        .assignments as { nextCursor: string | null };
      expect(graphqlPage).toEqual(await rest(url));
      cursor = graphqlPage.nextCursor;
      url = `/v1/orgs/acme/assignments?protocol=sctp&limit=2&cursor=${cursor}`;
    }
    expect(cursor).toBeNull();
    const byPort = await ask(
      `{ org(slug: "acme") { assignments(port: 6002, service: "PAGED-2") ${selectAll('AssignmentConnection')} } }`,
    );
    expect((byPort.org as Record<string, unknown>).assignments).toEqual(
      await rest('/v1/orgs/acme/assignments?port=6002&service=PAGED-2'),
    );
  });

  it('an assignment result carries the same warnings on both faces', async () => {
    const body = { serviceName: 'web', protocol: 'tcp', port: 80 };
    const restResult = bodyOf<AssignmentResult>(
      expectStatus(
        await call(subject.app, 'post', '/v1/orgs/acme/assignments', {
          key: acme.adminKey,
          body: { ...body, scope: 'rest' },
        }),
        201,
        'POST assignment',
      ),
    );
    const graphqlResult = (
      await ask(
        `mutation ($input: AssignmentInput!) { createAssignment(org: "acme", input: $input) ${RESULT} }`,
        { input: { ...body, scope: 'graphql' } },
      )
    ).createAssignment as AssignmentResult;
    expect(graphqlResult.warnings).toEqual(restResult.warnings);
    expect(graphqlResult.warnings.length).toBeGreaterThan(0);
  });

  it('reservations, keys, audit and the organisation read the same on both faces', async () => {
    await ask(CREATE_RESERVATION, {
      org: 'acme',
      input: { protocol: 'tcp', portStart: 15000, portEnd: 15099, purpose: 'team block' },
    });
    const data = await ask(
      `{ org(slug: "acme") { slug name createdAt reservations ${selectAll('ReservationConnection')} keys ${selectAll('ApiKey')} audit(first: 10) ${selectAll('AuditEventConnection')} } }`,
    );
    const org = data.org as Record<string, unknown>;
    const { reservations, keys, audit, ...organization } = org;
    expect(organization).toEqual(await rest('/v1/orgs/acme'));
    expect(reservations).toEqual(await rest('/v1/orgs/acme/reservations'));
    // lastUsedAt may move between the two requests (it is kept to the minute).
    const withoutLastUse = (list: unknown) =>
      (list as Record<string, unknown>[]).map(({ lastUsedAt: _lastUsedAt, ...key }) => key);
    const restKeys = (await rest('/v1/orgs/acme/keys')) as { items: unknown };
    expect(withoutLastUse(keys)).toEqual(withoutLastUse(restKeys.items));
    expect(audit).toEqual(await rest('/v1/orgs/acme/audit?limit=10'));
  });

  it('an allocation answers the same shape as REST’s, the replay included', async () => {
    const input = { serviceName: 'allocated', protocol: 'tcp', scope: 'alloc' };
    const first = (await ask(ALLOCATE_PORT, { org: 'acme', input, idempotencyKey: 'same-key' }))
      .allocatePort as AssignmentResult & { replayed: boolean };
    const replay = await call(subject.app, 'post', '/v1/orgs/acme/allocations', {
      key: acme.adminKey,
      body: input,
      headers: { 'idempotency-key': 'same-key' },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const { replayed, ...result } = first;
    expect(replayed).toBe(false);
    const { etag: _etag, ...assignment } = result.assignment as AssignmentView & { etag: string };
    expect(replay.body).toEqual({ ...result, assignment });
  });

  describe('refusals carry the same reasons', () => {
    it('port 70000: REST 422 and BAD_USER_INPUT list the same field errors', async () => {
      const body = { serviceName: 'big', protocol: 'tcp', port: 70000 };
      const restAnswer = await call(subject.app, 'post', '/v1/orgs/acme/assignments', {
        key: acme.adminKey,
        body,
      });
      expect(restAnswer.status).toBe(422);
      const answer = await graphql(
        subject.app,
        CREATE_ASSIGNMENT,
        { org: 'acme', input: body },
        acme.adminKey,
      );
      const error = onlyError(answer, 'BAD_USER_INPUT');
      expect(error.extensions.errors).toEqual(problemOf(restAnswer).errors);
      expect(error.message).toBe(problemOf(restAnswer).detail);
    });

    it('an overlap: REST 409 and CONFLICT name the same holder', async () => {
      const body = { serviceName: 'dup', protocol: 'tcp', port: 7777, scope: 'conflicts' };
      expectStatus(
        await call(subject.app, 'post', '/v1/orgs/acme/assignments', {
          key: acme.adminKey,
          body,
        }),
        201,
        'first',
      );
      const restAnswer = await call(subject.app, 'post', '/v1/orgs/acme/assignments', {
        key: acme.adminKey,
        body,
      });
      expect(restAnswer.status).toBe(409);
      const answer = await graphql(
        subject.app,
        CREATE_ASSIGNMENT,
        { org: 'acme', input: body },
        acme.adminKey,
      );
      const error = onlyError(answer, 'CONFLICT');
      expect(error.message).toBe(problemOf(restAnswer).detail);
      expect(error.extensions.conflict).toEqual(problemOf(restAnswer).conflict);
    });

    it('a stale version: REST 412 and PRECONDITION_FAILED say the same', async () => {
      const { assignment } = bodyOf<AssignmentResult>(
        expectStatus(
          await call(subject.app, 'post', '/v1/orgs/acme/assignments', {
            key: acme.adminKey,
            body: { serviceName: 'versioned', protocol: 'tcp', port: 7878 },
          }),
          201,
          'create',
        ),
      );
      const restAnswer = await call(
        subject.app,
        'patch',
        `/v1/orgs/acme/assignments/${assignment.id}`,
        {
          key: acme.adminKey,
          body: { owner: 'x' },
          headers: { 'if-match': `"${assignment.id}-9"` },
        },
      );
      expect(restAnswer.status).toBe(412);
      const answer = await graphql(
        subject.app,
        UPDATE_ASSIGNMENT,
        { org: 'acme', id: assignment.id, input: { owner: 'x' }, ifVersion: 9 },
        acme.adminKey,
      );
      expect(onlyError(answer, 'PRECONDITION_FAILED').message).toBe(problemOf(restAnswer).detail);
    });

    it('a body over REST’s bounds: REST 400 and BAD_USER_INPUT name the same fields', async () => {
      const body = {
        serviceName: 'tagged',
        protocol: 'tcp',
        port: 7900,
        tags: Array.from({ length: 21 }, (_, index) => `t${index}`),
      };
      const restAnswer = await call(subject.app, 'post', '/v1/orgs/acme/assignments', {
        key: acme.adminKey,
        body,
      });
      expect(restAnswer.status).toBe(400);
      const answer = await graphql(
        subject.app,
        CREATE_ASSIGNMENT,
        { org: 'acme', input: body },
        acme.adminKey,
      );
      const fields = (errors: unknown) => (errors as { field: string }[]).map((e) => e.field);
      expect(fields(onlyError(answer, 'BAD_USER_INPUT').extensions.errors)).toEqual(
        fields(problemOf(restAnswer).errors),
      );
    });

    it('a bad cursor: REST 400 and BAD_USER_INPUT give the same reason, naming after', async () => {
      const restAnswer = await call(subject.app, 'get', '/v1/orgs/acme/assignments?cursor=nope', {
        key: acme.adminKey,
      });
      expect(restAnswer.status).toBe(400);
      const answer = await graphql(
        subject.app,
        '{ org(slug: "acme") { slug assignments(after: "nope") { nextCursor } } }',
        {},
        acme.adminKey,
      );
      const error = onlyError(answer, 'BAD_USER_INPUT');
      expect(error.path).toEqual(['org', 'assignments']);
      expect(error.extensions.errors).toEqual([
        { field: 'after', message: problemOf(restAnswer).errors?.[0]?.message },
      ]);
      expect(answer.data).toEqual({ org: { slug: 'acme', assignments: null } });
    });
  });
});
