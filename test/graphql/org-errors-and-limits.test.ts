import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_QUERY_COST, MUTATION_COST } from '../../src/graphql/query-limits.js';
import { call, createOrg, openOrgApp, type OrgFixture } from '../orgs/support.js';
import type { TestApp } from '../support/app.js';
import { graphql } from './graphql-app.js';
import {
  ASSIGNMENT,
  CREATE_ASSIGNMENT,
  codesOf,
  dataOf,
  onlyError,
  type AssignmentResultData,
} from './org-support.js';

/** How the organisation API fails over GraphQL: codes, partial answers, limits on mutations. */
describe('GraphQL organisation errors and limits', () => {
  let subject: TestApp;
  let acme: OrgFixture;
  const ask = (document: string, variables: Record<string, unknown> = {}) =>
    graphql(subject.app, document, variables, acme.adminKey);

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
  });
  afterAll(async () => subject?.close());

  it('answers NOT_FOUND for an unknown slug and for one that is no slug at all', async () => {
    const answer = await ask(
      '{ a: org(slug: "nobody") { slug } b: org(slug: "Not A Slug!") { slug } }',
    );
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ a: null, b: null });
    expect(codesOf(answer)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });

  it('keeps the rest of an organisation when one list is refused or missing', async () => {
    const reader = await call(subject.app, 'post', '/v1/orgs/acme/keys', {
      key: acme.adminKey,
      body: { scopes: ['read'] },
    });
    const answer = await graphql(
      subject.app,
      '{ org(slug: "acme") { slug assignments { items { id } } audit { items { id } } assignment(id: 424242) { id } } }',
      {},
      (reader.body as { key: string }).key,
    );
    expect(answer.data).toEqual({
      org: { slug: 'acme', assignments: { items: [] }, audit: null, assignment: null },
    });
    expect(answer.errors.map((error) => [error.path, error.extensions.code])).toEqual(
      expect.arrayContaining([
        [['org', 'audit'], 'FORBIDDEN'],
        [['org', 'assignment'], 'NOT_FOUND'],
      ]),
    );
  });

  it('refuses a port filter out of range as BAD_USER_INPUT naming port', async () => {
    const error = onlyError(
      await ask('{ org(slug: "acme") { assignments(port: 70000) { items { id } } } }'),
      'BAD_USER_INPUT',
    );
    expect(error.extensions.errors).toEqual([
      { field: 'port', message: 'must be an integer from 0 to 65535' },
    ]);
    onlyError(
      await ask('{ org(slug: "acme") { reservations(first: 0) { items { id } } } }'),
      'BAD_USER_INPUT',
    );
  });

  it('runs the mutations of one document one after the other, each on its own', async () => {
    const answer = await ask(`mutation {
      first: createAssignment(org: "acme", input: { serviceName: "first", protocol: tcp, port: 6100, scope: "serial" }) { assignment { id } }
      second: createAssignment(org: "acme", input: { serviceName: "second", protocol: tcp, port: 6100, scope: "serial" }) { assignment { id } }
      third: createAssignment(org: "acme", input: { serviceName: "third", protocol: tcp, port: 6101, scope: "serial" }) { assignment { id } }
    }`);
    expect(answer.status).toBe(200);
    expect(answer.data.first).toEqual({ assignment: { id: expect.any(Number) } });
    expect(answer.data.second).toBeNull();
    expect(answer.data.third).toEqual({ assignment: { id: expect.any(Number) } });
    expect(answer.errors.map((error) => [error.path, error.extensions.code])).toEqual([
      [['second'], 'CONFLICT'],
    ]);
  });

  it(`counts each mutation as ${MUTATION_COST}: a document of too many is refused before any runs`, async () => {
    const allowed = MAX_QUERY_COST / MUTATION_COST;
    const fields = (count: number) =>
      Array.from(
        { length: count },
        (_, index) =>
          `m${index}: createReservation(org: "acme", input: { protocol: udp, portStart: ${20000 + index}, portEnd: ${20000 + index}, purpose: "bulk" }) { id }`,
      ).join('\n');
    const refused = await ask(`mutation { ${fields(allowed + 1)} }`);
    expect(refused.status).toBe(400);
    expect(codesOf(refused)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(refused.data).toBeUndefined();
    const stored = await call(subject.app, 'get', '/v1/orgs/acme/reservations?protocol=udp', {
      key: acme.adminKey,
    });
    expect((stored.body as { items: unknown[] }).items).toEqual([]);
    // What a mutation answers counts too: three with a full page of assignments each are over it.
    const page = `organization { assignments(first: 500) { items ${ASSIGNMENT} } }`;
    const nested = await ask(
      `mutation { ${[1, 2, 3].map((index) => `o${index}: createOrg(slug: "o${index}", name: "o") { ${page} }`).join(' ')} }`,
    );
    expect(codesOf(nested)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('refuses a mutation over GET, and runs nothing', async () => {
    const query = `mutation { createAssignment(org: "acme", input: { serviceName: "via-get", protocol: tcp, port: 6200 }) { assignment { id } } }`;
    const response = await request(subject.app.server)
      .get('/graphql')
      .query({ query })
      .set('authorization', `Bearer ${acme.adminKey}`);
    expect(response.status).toBe(405);
    expect(response.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    const stored = await call(subject.app, 'get', '/v1/orgs/acme/assignments?port=6200', {
      key: acme.adminKey,
    });
    expect((stored.body as { items: unknown[] }).items).toEqual([]);
  });

  it('answers an unreachable database as SERVICE_UNAVAILABLE with Retry-After, no internals', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const create = vi.spyOn(subject.app.orgs.assignments, 'create').mockRejectedValueOnce(refused);
    try {
      const answer = await ask(CREATE_ASSIGNMENT, {
        org: 'acme',
        input: { serviceName: 'offline', protocol: 'tcp', port: 6300 },
      });
      expect(answer.status).toBe(200);
      expect(answer.data).toEqual({ createAssignment: null });
      expect(onlyError(answer, 'SERVICE_UNAVAILABLE').message).toBe(
        'the database is unavailable or too busy; try again shortly',
      );
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.text).not.toMatch(/ECONNREFUSED|5432/);
    } finally {
      create.mockRestore();
    }
    const result = dataOf(
      await ask(CREATE_ASSIGNMENT, {
        org: 'acme',
        input: { serviceName: 'offline', protocol: 'tcp', port: 6300 },
      }),
    ).createAssignment as AssignmentResultData;
    expect(result.assignment.portStart).toBe(6300);
  });

  it('answers a database gone before the key is checked as SERVICE_UNAVAILABLE too', async () => {
    const terminated = Object.assign(
      new Error('terminating connection due to administrator command'),
      { code: '57P01' },
    );
    const authenticate = vi
      .spyOn(subject.app.orgs.keys, 'authenticate')
      .mockRejectedValueOnce(terminated);
    try {
      const answer = await ask('{ org(slug: "acme") { slug } }');
      onlyError(answer, 'SERVICE_UNAVAILABLE');
    } finally {
      authenticate.mockRestore();
    }
  });
});
