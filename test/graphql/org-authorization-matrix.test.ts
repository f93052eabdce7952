import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createAssignment,
  createKey,
  createOrg,
  createReservation,
  expectStatus,
  OPERATOR_KEY,
  openOrgApp,
  type OrgFixture,
} from '../orgs/support.js';
import type { TestApp } from '../support/app.js';
import { graphql } from './graphql-app.js';
import {
  ALLOCATE_PORT,
  CREATE_API_KEY,
  CREATE_ASSIGNMENT,
  CREATE_ORG,
  CREATE_RESERVATION,
  DELETE_ASSIGNMENT,
  DELETE_RESERVATION,
  REVOKE_API_KEY,
  UPDATE_ASSIGNMENT,
} from './org-support.js';

/**
 * Who may ask which organisation field or mutation over GraphQL (SPEC.md sections 6 and 7): every
 * key kind against every operation, each cell its own test, the expected `extensions.code` of each
 * written out below. The same table as REST's (test/orgs/authorization-matrix.test.ts), in codes.
 */

const PRINCIPALS = [
  'no key',
  'malformed key',
  'unknown key',
  'revoked key',
  'expired key',
  'read key',
  'write key',
  'admin key',
  'other org key',
  'operator key',
] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

const OPERATIONS = [
  'org',
  'org.assignments',
  'org.assignment',
  'org.reservations',
  'org.reservation',
  'org.audit',
  'org.keys',
  'createOrg',
  'createAssignment',
  'updateAssignment',
  'deleteAssignment',
  'allocatePort',
  'createReservation',
  'deleteReservation',
  'createApiKey',
  'revokeApiKey',
] as const;
type OperationName = (typeof OPERATIONS)[number];

const OK = 'ok';
const UNAUTH = 'UNAUTHENTICATED';
const FORBID = 'FORBIDDEN';
const HIDDEN = 'NOT_FOUND';
type Outcome = typeof OK | typeof UNAUTH | typeof FORBID | typeof HIDDEN;

/**
 * The expected outcome of every cell, in the column order of PRINCIPALS. Missing, malformed,
 * unknown, revoked and expired keys: UNAUTHENTICATED. Another organisation's key: NOT_FOUND (never
 * FORBIDDEN, so that names do not leak). Too narrow a scope: FORBIDDEN. Only the operator creates
 * organisations.
 */
// prettier-ignore
const TABLE: Record<OperationName, readonly Outcome[]> = {
  //                    none    bad     unknown revoked expired read    write   admin   other   operator
  'org':               [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, OK,     OK,     OK,     HIDDEN, OK],
  'org.assignments':   [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, OK,     OK,     OK,     HIDDEN, OK],
  'org.assignment':    [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, OK,     OK,     OK,     HIDDEN, OK],
  'org.reservations':  [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, OK,     OK,     OK,     HIDDEN, OK],
  'org.reservation':   [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, OK,     OK,     OK,     HIDDEN, OK],
  'org.audit':         [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, FORBID, OK,     HIDDEN, OK],
  'org.keys':          [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, FORBID, OK,     HIDDEN, OK],
  'createOrg':         [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, FORBID, FORBID, FORBID, OK],
  'createAssignment':  [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, OK,     OK,     HIDDEN, OK],
  'updateAssignment':  [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, OK,     OK,     HIDDEN, OK],
  'deleteAssignment':  [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, OK,     OK,     HIDDEN, OK],
  'allocatePort':      [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, OK,     OK,     HIDDEN, OK],
  'createReservation': [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, OK,     OK,     HIDDEN, OK],
  'deleteReservation': [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, OK,     OK,     HIDDEN, OK],
  'createApiKey':      [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, FORBID, OK,     HIDDEN, OK],
  'revokeApiKey':      [UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, FORBID, FORBID, OK,     HIDDEN, OK],
};

interface Cell {
  label: string;
  principal: PrincipalName;
  operation: OperationName;
  outcome: Outcome;
}

const CELLS: Cell[] = OPERATIONS.flatMap((operation) =>
  PRINCIPALS.map((principal, column) => {
    const outcome = TABLE[operation][column] as Outcome;
    return { label: `${principal}: ${operation} -> ${outcome}`, principal, operation, outcome };
  }),
);

/** A document ready to send, where its answer lies, and a check that a refused write changed nothing. */
interface Prepared {
  document: string;
  variables: Record<string, unknown>;
  /** The path of the value the operation answers: null when refused. */
  path: string[];
  unchanged?: () => Promise<void>;
}

describe('authorization matrix of the GraphQL organisation API', () => {
  let subject: TestApp;
  let acme: OrgFixture;
  let other: OrgFixture;
  const keys = new Map<PrincipalName, string | undefined>();
  let sharedAssignmentId: number;
  let sharedReservationId: number;
  let counter = 0;

  const admin = () => acme.adminKey;
  const orgQuery = (selection: string): Prepared => ({
    document: `query ($org: String!) { org(slug: $org) { slug ${selection} } }`,
    variables: { org: acme.slug },
    path: ['org', ...(selection ? [selection.split(/[\s({]/)[0] as string] : [])],
  });

  async function freshAssignmentId(): Promise<number> {
    counter += 1;
    const assignment = await createAssignment(subject.app, acme, {
      serviceName: `svc-${counter}`,
      protocol: 'tcp',
      port: 3000 + counter,
      scope: 'matrix',
    });
    return assignment.id;
  }

  async function freshReservationId(): Promise<number> {
    counter += 1;
    const reservation = await createReservation(subject.app, acme, {
      protocol: 'tcp',
      portStart: 5000 + counter * 10,
      portEnd: 5000 + counter * 10 + 4,
      scope: 'matrix',
      purpose: `block ${counter}`,
    });
    return reservation.id;
  }

  async function expectStillThere(url: string, version?: number): Promise<void> {
    const response = await call(subject.app, 'get', url, { key: admin() });
    expect(response.status).toBe(200);
    if (version !== undefined) expect((response.body as { version: number }).version).toBe(version);
  }

  const PREPARE: Record<OperationName, () => Promise<Prepared>> = {
    org: async () => orgQuery(''),
    'org.assignments': async () => orgQuery('assignments { items { id } nextCursor }'),
    'org.assignment': async () => orgQuery(`assignment(id: ${sharedAssignmentId}) { id etag }`),
    'org.reservations': async () => orgQuery('reservations { items { id } nextCursor }'),
    'org.reservation': async () => orgQuery(`reservation(id: ${sharedReservationId}) { id }`),
    'org.audit': async () => orgQuery('audit(first: 5) { items { id action } nextCursor }'),
    'org.keys': async () => orgQuery('keys { id prefix }'),
    createOrg: async () => {
      counter += 1;
      const slug = `matrix-${counter}`;
      return {
        document: CREATE_ORG,
        variables: { slug, name: `Matrix ${counter}` },
        path: ['createOrg'],
        unchanged: async () => {
          const response = await call(subject.app, 'get', `/v1/orgs/${slug}`, {
            key: OPERATOR_KEY,
          });
          expect(response.status).toBe(404);
        },
      };
    },
    createAssignment: async () => {
      counter += 1;
      const port = 3000 + counter;
      return {
        document: CREATE_ASSIGNMENT,
        variables: {
          org: acme.slug,
          input: { serviceName: `svc-${counter}`, protocol: 'tcp', port, scope: 'matrix' },
        },
        path: ['createAssignment'],
        unchanged: async () => {
          const response = await call(
            subject.app,
            'get',
            `/v1/orgs/${acme.slug}/assignments?scope=matrix&port=${port}`,
            { key: admin() },
          );
          expect((response.body as { items: unknown[] }).items).toEqual([]);
        },
      };
    },
    updateAssignment: async () => {
      const id = await freshAssignmentId();
      return {
        document: UPDATE_ASSIGNMENT,
        variables: { org: acme.slug, id, input: { description: 'changed' } },
        path: ['updateAssignment'],
        unchanged: () => expectStillThere(`/v1/orgs/${acme.slug}/assignments/${id}`, 1),
      };
    },
    deleteAssignment: async () => {
      const id = await freshAssignmentId();
      return {
        document: DELETE_ASSIGNMENT,
        variables: { org: acme.slug, id },
        path: ['deleteAssignment'],
        unchanged: () => expectStillThere(`/v1/orgs/${acme.slug}/assignments/${id}`, 1),
      };
    },
    allocatePort: async () => ({
      document: ALLOCATE_PORT,
      variables: {
        org: acme.slug,
        input: { serviceName: 'allocated', protocol: 'tcp', scope: 'matrix-alloc' },
      },
      path: ['allocatePort'],
    }),
    createReservation: async () => {
      counter += 1;
      return {
        document: CREATE_RESERVATION,
        variables: {
          org: acme.slug,
          input: {
            protocol: 'tcp',
            portStart: 5000 + counter * 10,
            portEnd: 5000 + counter * 10 + 4,
            scope: 'matrix',
            purpose: `block ${counter}`,
          },
        },
        path: ['createReservation'],
      };
    },
    deleteReservation: async () => {
      const id = await freshReservationId();
      return {
        document: DELETE_RESERVATION,
        variables: { org: acme.slug, id },
        path: ['deleteReservation'],
        unchanged: () => expectStillThere(`/v1/orgs/${acme.slug}/reservations/${id}`),
      };
    },
    createApiKey: async () => ({
      document: CREATE_API_KEY,
      variables: { org: acme.slug, input: { scopes: ['read'], name: 'matrix' } },
      path: ['createApiKey'],
    }),
    revokeApiKey: async () => {
      const created = await createKey(subject.app, acme, { scopes: ['read'], name: 'doomed' });
      return {
        document: REVOKE_API_KEY,
        variables: { org: acme.slug, id: created.apiKey.id },
        path: ['revokeApiKey'],
        unchanged: async () => {
          const response = await call(subject.app, 'get', `/v1/orgs/${acme.slug}`, {
            key: created.key,
          });
          expect(response.status).toBe(200);
        },
      };
    },
  };

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
    other = await createOrg(subject.app, 'other');
    const app = subject.app;
    const [readKey, writeKey, revoked, expired] = await Promise.all([
      createKey(app, acme, { scopes: ['read'], name: 'reader' }),
      createKey(app, acme, { scopes: ['write'], name: 'writer' }),
      createKey(app, acme, { scopes: ['admin'], name: 'to revoke' }),
      createKey(app, acme, {
        scopes: ['admin'],
        name: 'to expire',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    ]);
    expectStatus(
      await call(app, 'delete', `/v1/orgs/${acme.slug}/keys/${revoked.apiKey.id}`, {
        key: admin(),
      }),
      200,
      'revoke',
    );
    // Expire the key now rather than waiting for it.
    await subject.database.pool.query(
      `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [expired.apiKey.id],
    );
    keys.set('no key', undefined);
    keys.set('malformed key', 'not-a-port-registry-key');
    keys.set('unknown key', `prk_0badc0de_${'A'.repeat(43)}`);
    keys.set('revoked key', revoked.key);
    keys.set('expired key', expired.key);
    keys.set('read key', readKey.key);
    keys.set('write key', writeKey.key);
    keys.set('admin key', acme.adminKey);
    keys.set('other org key', other.adminKey);
    keys.set('operator key', OPERATOR_KEY);
    sharedAssignmentId = (
      await createAssignment(app, acme, {
        serviceName: 'shared',
        protocol: 'tcp',
        port: 2500,
        scope: 'matrix-read',
      })
    ).id;
    sharedReservationId = (
      await createReservation(app, acme, {
        protocol: 'tcp',
        portStart: 2600,
        portEnd: 2609,
        scope: 'matrix-read',
        purpose: 'shared block',
      })
    ).id;
  });
  afterAll(async () => subject?.close());

  it('covers every principal and operation', () => {
    expect(CELLS).toHaveLength(PRINCIPALS.length * OPERATIONS.length);
    for (const operation of OPERATIONS) expect(TABLE[operation]).toHaveLength(PRINCIPALS.length);
  });

  it.each(CELLS)('$label', async ({ principal, operation, outcome }) => {
    const prepared = await PREPARE[operation]();
    const answer = await graphql(
      subject.app,
      prepared.document,
      prepared.variables,
      keys.get(principal),
    );
    // Execution ran in every cell: the refusals are field errors, the answer is 200.
    expect(answer.status, answer.text).toBe(200);
    const value = valueAt(answer.data, prepared.path);
    if (outcome === OK) {
      expect(answer.errors, answer.text).toEqual([]);
      expect(value).not.toBeNull();
      expect(value).not.toBeUndefined();
      return;
    }
    expect(
      answer.errors.map((error) => error.extensions.code),
      answer.text,
    ).toEqual([outcome]);
    // The organisation itself refuses unknown and foreign keys; only the scope of a list is its own.
    const refusedAt = operation.startsWith('org') && outcome !== FORBID ? ['org'] : prepared.path;
    expect(answer.errors[0]?.path).toEqual(refusedAt);
    expect(value ?? null).toBeNull();
    expect(answer.text).not.toMatch(/prk_[0-9a-f]{8}_/);
    await prepared.unchanged?.();
  });

  it("answers another organisation's key exactly as it answers an organisation that does not exist", async () => {
    const document = `query ($org: String!) { org(slug: $org) { slug } }`;
    const [hidden, absent] = await Promise.all([
      graphql(subject.app, document, { org: acme.slug }, other.adminKey),
      graphql(subject.app, document, { org: 'nobody-here' }, other.adminKey),
    ]);
    const strip = (text: string, slug: string) => text.replace(slug, '<org>');
    expect(strip(hidden.text, acme.slug)).toBe(strip(absent.text, 'nobody-here'));
    expect(hidden.errors[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

/** The value at a path of field names in GraphQL data (undefined when a parent is null). */
function valueAt(data: unknown, path: string[]): unknown {
  let current: unknown = data;
  for (const name of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}
