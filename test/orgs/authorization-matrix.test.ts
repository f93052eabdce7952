import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import {
  bodyOf,
  call,
  createAssignment,
  createKey,
  createOrg,
  createReservation,
  expectStatus,
  OPERATOR_KEY,
  openOrgApp,
  problemOf,
  type AssignmentView,
  type Method,
  type OrgFixture,
  type Response,
} from './support.js';

/**
 * Who may call which organisation route (SPEC.md sections 5 and 7): every key kind against every
 * route, each cell its own test, each expected status written out below.
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

const ROUTES = [
  'POST /v1/orgs',
  'GET /v1/orgs/{org}',
  'GET /v1/orgs/{org}/keys',
  'POST /v1/orgs/{org}/keys',
  'DELETE /v1/orgs/{org}/keys/{id}',
  'GET /v1/orgs/{org}/assignments',
  'POST /v1/orgs/{org}/assignments',
  'GET /v1/orgs/{org}/assignments/{id}',
  'PATCH /v1/orgs/{org}/assignments/{id}',
  'DELETE /v1/orgs/{org}/assignments/{id}',
  'POST /v1/orgs/{org}/allocations',
  'GET /v1/orgs/{org}/reservations',
  'POST /v1/orgs/{org}/reservations',
  'GET /v1/orgs/{org}/reservations/{id}',
  'DELETE /v1/orgs/{org}/reservations/{id}',
  'GET /v1/orgs/{org}/audit',
] as const;
type RouteName = (typeof ROUTES)[number];

/**
 * The expected status of every cell, in the column order of PRINCIPALS. Missing, malformed,
 * unknown, revoked and expired keys: 401. Another organisation's key: 404 (never 403, so that
 * names do not leak). Too narrow a scope: 403. Only the operator creates organisations.
 */
// prettier-ignore
const TABLE: Record<RouteName, readonly number[]> = {
  //                                          none  bad  unkn revk expd read writ admn othr oper
  'POST /v1/orgs':                            [401, 401, 401, 401, 401, 403, 403, 403, 403, 201],
  'GET /v1/orgs/{org}':                       [401, 401, 401, 401, 401, 200, 200, 200, 404, 200],
  'GET /v1/orgs/{org}/keys':                  [401, 401, 401, 401, 401, 403, 403, 200, 404, 200],
  'POST /v1/orgs/{org}/keys':                 [401, 401, 401, 401, 401, 403, 403, 201, 404, 201],
  'DELETE /v1/orgs/{org}/keys/{id}':          [401, 401, 401, 401, 401, 403, 403, 200, 404, 200],
  'GET /v1/orgs/{org}/assignments':           [401, 401, 401, 401, 401, 200, 200, 200, 404, 200],
  'POST /v1/orgs/{org}/assignments':          [401, 401, 401, 401, 401, 403, 201, 201, 404, 201],
  'GET /v1/orgs/{org}/assignments/{id}':      [401, 401, 401, 401, 401, 200, 200, 200, 404, 200],
  'PATCH /v1/orgs/{org}/assignments/{id}':    [401, 401, 401, 401, 401, 403, 200, 200, 404, 200],
  'DELETE /v1/orgs/{org}/assignments/{id}':   [401, 401, 401, 401, 401, 403, 204, 204, 404, 204],
  'POST /v1/orgs/{org}/allocations':          [401, 401, 401, 401, 401, 403, 201, 201, 404, 201],
  'GET /v1/orgs/{org}/reservations':          [401, 401, 401, 401, 401, 200, 200, 200, 404, 200],
  'POST /v1/orgs/{org}/reservations':         [401, 401, 401, 401, 401, 403, 201, 201, 404, 201],
  'GET /v1/orgs/{org}/reservations/{id}':     [401, 401, 401, 401, 401, 200, 200, 200, 404, 200],
  'DELETE /v1/orgs/{org}/reservations/{id}':  [401, 401, 401, 401, 401, 403, 204, 204, 404, 204],
  'GET /v1/orgs/{org}/audit':                 [401, 401, 401, 401, 401, 403, 403, 200, 404, 200],
};

interface Cell {
  label: string;
  principal: PrincipalName;
  route: RouteName;
  status: number;
}

const CELLS: Cell[] = ROUTES.flatMap((route) =>
  PRINCIPALS.map((principal, column) => {
    const status = TABLE[route][column] as number;
    return { label: `${principal}: ${route} -> ${status}`, principal, route, status };
  }),
);

/** A request ready to send, with a check that a refused write changed nothing. */
interface Prepared {
  method: Method;
  url: string;
  body?: object;
  unchanged?: () => Promise<void>;
}

describe('authorization matrix of the organisation routes', () => {
  let subject: TestApp;
  let acme: OrgFixture;
  let other: OrgFixture;
  const keys = new Map<PrincipalName, string | undefined>();
  let sharedAssignment: AssignmentView;
  let sharedReservationId: number;
  let counter = 0;

  const admin = () => acme.adminKey;
  const orgUrl = (suffix = '') => `/v1/orgs/${acme.slug}${suffix}`;

  async function freshAssignment(): Promise<AssignmentView> {
    counter += 1;
    return createAssignment(subject.app, acme, {
      serviceName: `svc-${counter}`,
      protocol: 'tcp',
      port: 3000 + counter,
      scope: 'matrix',
    });
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
    if (version !== undefined) expect(bodyOf<AssignmentView>(response).version).toBe(version);
  }

  const PREPARE: Record<RouteName, () => Promise<Prepared>> = {
    'POST /v1/orgs': async () => {
      counter += 1;
      const slug = `matrix-${counter}`;
      return {
        method: 'post',
        url: '/v1/orgs',
        body: { slug, name: `Matrix ${counter}` },
        unchanged: async () => {
          const response = await call(subject.app, 'get', `/v1/orgs/${slug}`, {
            key: OPERATOR_KEY,
          });
          expect(response.status).toBe(404);
        },
      };
    },
    'GET /v1/orgs/{org}': async () => ({ method: 'get', url: orgUrl() }),
    'GET /v1/orgs/{org}/keys': async () => ({ method: 'get', url: orgUrl('/keys') }),
    'POST /v1/orgs/{org}/keys': async () => ({
      method: 'post',
      url: orgUrl('/keys'),
      body: { scopes: ['read'], name: 'matrix' },
    }),
    'DELETE /v1/orgs/{org}/keys/{id}': async () => {
      const created = await createKey(subject.app, acme, { scopes: ['read'], name: 'doomed' });
      return {
        method: 'delete',
        url: orgUrl(`/keys/${created.apiKey.id}`),
        unchanged: async () => {
          const response = await call(subject.app, 'get', orgUrl(), { key: created.key });
          expect(response.status).toBe(200);
        },
      };
    },
    'GET /v1/orgs/{org}/assignments': async () => ({ method: 'get', url: orgUrl('/assignments') }),
    'POST /v1/orgs/{org}/assignments': async () => {
      counter += 1;
      const port = 3000 + counter;
      return {
        method: 'post',
        url: orgUrl('/assignments'),
        body: { serviceName: `svc-${counter}`, protocol: 'tcp', port, scope: 'matrix' },
        unchanged: async () => {
          const response = await call(
            subject.app,
            'get',
            orgUrl(`/assignments?scope=matrix&port=${port}`),
            { key: admin() },
          );
          expect(bodyOf<{ items: unknown[] }>(response).items).toEqual([]);
        },
      };
    },
    'GET /v1/orgs/{org}/assignments/{id}': async () => ({
      method: 'get',
      url: orgUrl(`/assignments/${sharedAssignment.id}`),
    }),
    'PATCH /v1/orgs/{org}/assignments/{id}': async () => {
      const assignment = await freshAssignment();
      const url = orgUrl(`/assignments/${assignment.id}`);
      return {
        method: 'patch',
        url,
        body: { description: 'changed' },
        unchanged: () => expectStillThere(url, 1),
      };
    },
    'DELETE /v1/orgs/{org}/assignments/{id}': async () => {
      const assignment = await freshAssignment();
      const url = orgUrl(`/assignments/${assignment.id}`);
      return { method: 'delete', url, unchanged: () => expectStillThere(url, 1) };
    },
    'POST /v1/orgs/{org}/allocations': async () => ({
      method: 'post',
      url: orgUrl('/allocations'),
      body: { serviceName: 'allocated', protocol: 'tcp', scope: 'matrix-alloc' },
    }),
    'GET /v1/orgs/{org}/reservations': async () => ({
      method: 'get',
      url: orgUrl('/reservations'),
    }),
    'POST /v1/orgs/{org}/reservations': async () => {
      counter += 1;
      return {
        method: 'post',
        url: orgUrl('/reservations'),
        body: {
          protocol: 'tcp',
          portStart: 5000 + counter * 10,
          portEnd: 5000 + counter * 10 + 4,
          scope: 'matrix',
          purpose: `block ${counter}`,
        },
      };
    },
    'GET /v1/orgs/{org}/reservations/{id}': async () => ({
      method: 'get',
      url: orgUrl(`/reservations/${sharedReservationId}`),
    }),
    'DELETE /v1/orgs/{org}/reservations/{id}': async () => {
      const id = await freshReservationId();
      const url = orgUrl(`/reservations/${id}`);
      return { method: 'delete', url, unchanged: () => expectStillThere(url) };
    },
    'GET /v1/orgs/{org}/audit': async () => ({ method: 'get', url: orgUrl('/audit') }),
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
      await call(app, 'delete', orgUrl(`/keys/${revoked.apiKey.id}`), { key: admin() }),
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
    sharedAssignment = await createAssignment(app, acme, {
      serviceName: 'shared',
      protocol: 'tcp',
      port: 2500,
      scope: 'matrix-read',
    });
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

  it('covers every principal and route', () => {
    expect(CELLS).toHaveLength(PRINCIPALS.length * ROUTES.length);
    for (const route of ROUTES) expect(TABLE[route]).toHaveLength(PRINCIPALS.length);
  });

  it.each(CELLS)('$label', async ({ principal, route, status }) => {
    const prepared = await PREPARE[route]();
    const response: Response = await call(subject.app, prepared.method, prepared.url, {
      key: keys.get(principal),
      body: prepared.body,
    });
    expect(response.status, response.text).toBe(status);
    if (status >= 400) {
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(problemOf(response).status).toBe(status);
      await prepared.unchanged?.();
    }
    if (status === 401) {
      expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
    } else {
      expect(response.headers['www-authenticate']).toBeUndefined();
    }
  });

  it("answers another organisation's key exactly as it answers an organisation that does not exist", async () => {
    const [hidden, absent] = await Promise.all([
      call(subject.app, 'get', `/v1/orgs/${acme.slug}/assignments`, { key: other.adminKey }),
      call(subject.app, 'get', '/v1/orgs/nobody-here/assignments', { key: other.adminKey }),
    ]);
    expect(hidden.status).toBe(404);
    expect(absent.status).toBe(404);
    const strip = (response: Response, slug: string) => ({
      ...problemOf(response),
      detail: problemOf(response).detail.replace(slug, '<org>'),
      instance: undefined,
    });
    expect(strip(hidden, acme.slug)).toEqual(strip(absent, 'nobody-here'));
  });

  it('asks for a key before it looks at the body', async () => {
    const response = await call(subject.app, 'post', orgUrl('/assignments'), {
      body: { serviceName: 'x', protocol: 'tcp', port: 'not a number' },
    });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
  });
});
