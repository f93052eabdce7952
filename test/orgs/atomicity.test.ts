import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import {
  allPages,
  bodyOf,
  call,
  createAssignment,
  createKey,
  createOrg,
  createReservation,
  OPERATOR_KEY,
  openOrgApp,
  rowCounts,
  type AssignmentResult,
  type AssignmentView,
  type AuditEvent,
  type CreatedKey,
  type KeyView,
  type Method,
  type OrgFixture,
  type Page,
  type ReservationView,
  type Response,
} from './support.js';

/**
 * Every write and its audit event land together or not at all (SPEC.md sections 4 and 5):
 * a refused request leaves no row and no event; a successful one leaves exactly one event.
 */
describe('atomicity and audit', () => {
  let subject: TestApp;
  let acme: OrgFixture;
  let beta: OrgFixture;
  let readKey: CreatedKey;

  const send = (
    method: Method,
    url: string,
    options: { key?: string; body?: object; headers?: Record<string, string> } = {},
  ) =>
    call(subject.app, method, url, {
      key: options.key ?? acme.adminKey,
      body: options.body,
      headers: { 'x-request-id': 'test-123', ...options.headers },
    });

  interface AuditRow {
    organization_id: number;
    actor_key_id: number | null;
    actor: string;
    action: string;
    entity_type: string;
    entity_id: string | null;
    before: unknown;
    after: unknown;
    request_id: string | null;
  }

  async function auditRowsAfter(id: number): Promise<AuditRow[]> {
    const result = await subject.database.pool.query<AuditRow>(
      'SELECT * FROM audit_events WHERE id > $1 ORDER BY id',
      [id],
    );
    return result.rows;
  }

  async function lastAuditId(): Promise<number> {
    const result = await subject.database.pool.query<{ max: string | null }>(
      'SELECT max(id) AS max FROM audit_events',
    );
    return Number(result.rows[0]?.max ?? 0);
  }

  /** Runs a write and answers the one audit event it left (failing when there are more or fewer). */
  async function theOneEvent(
    write: () => Promise<Response>,
    status: number,
  ): Promise<{ response: Response; row: AuditRow; event: AuditEvent }> {
    const before = await lastAuditId();
    const response = await write();
    expect(response.status, response.text).toBe(status);
    const rows = await auditRowsAfter(before);
    expect(rows).toHaveLength(1);
    const row = rows[0] as AuditRow;
    const audit = await call(subject.app, 'get', `/v1/orgs/${acme.slug}/audit?limit=1`, {
      key: acme.adminKey,
    });
    const event = bodyOf<Page<AuditEvent>>(audit).items[0] as AuditEvent;
    return { response, row, event };
  }

  function expectByAdmin(row: AuditRow, event: AuditEvent): void {
    expect(row.actor_key_id).toBe(acme.adminKeyId);
    expect(row.actor).toBe(`key ${acme.adminPrefix}`);
    expect(row.request_id).toBe('test-123');
    expect(event.actor).toBe(`key ${acme.adminPrefix}`);
    expect(event.requestId).toBe('test-123');
    expect(Number.isNaN(Date.parse(event.at))).toBe(false);
  }

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
    beta = await createOrg(subject.app, 'beta');
    readKey = await createKey(subject.app, acme, { scopes: ['read'] });
  });
  afterAll(async () => subject?.close());

  describe('a refused request leaves no row and no audit event', () => {
    let holder: AssignmentView;
    let edited: AssignmentView;
    let reservation: ReservationView;

    beforeAll(async () => {
      holder = await createAssignment(subject.app, acme, {
        serviceName: 'holder',
        protocol: 'tcp',
        portStart: 9000,
        portEnd: 9010,
      });
      edited = await createAssignment(subject.app, acme, {
        serviceName: 'edited',
        protocol: 'tcp',
        port: 9100,
      });
      // Version 2, so that version 1 is stale.
      await send('patch', `/v1/orgs/acme/assignments/${edited.id}`, {
        body: { description: 'v2' },
      });
      reservation = await createReservation(subject.app, acme, {
        protocol: 'tcp',
        portStart: 9500,
        portEnd: 9509,
        purpose: 'blue team',
      });
      await Promise.all(
        [20000, 20001, 20002].map((port) =>
          createAssignment(subject.app, acme, {
            serviceName: `taken-${port}`,
            protocol: 'tcp',
            port,
            scope: 'full',
          }),
        ),
      );
    });

    const CASES: [string, number, () => Promise<Response>][] = [
      [
        'POST assignment breaking a rule',
        422,
        () =>
          send('post', '/v1/orgs/acme/assignments', {
            body: { serviceName: 'a--b', protocol: 'tcp', port: 9200 },
          }),
      ],
      [
        'POST assignment in the dynamic range',
        422,
        () =>
          send('post', '/v1/orgs/acme/assignments', {
            body: { serviceName: 'dyn', protocol: 'tcp', port: 50000 },
          }),
      ],
      [
        'POST assignment overlapping another',
        409,
        () =>
          send('post', '/v1/orgs/acme/assignments', {
            body: { serviceName: 'intruder', protocol: 'tcp', port: 9005 },
          }),
      ],
      [
        'POST assignment with an unknown field',
        400,
        () =>
          send('post', '/v1/orgs/acme/assignments', {
            body: { serviceName: 'extra', protocol: 'tcp', port: 9201, colour: 'red' },
          }),
      ],
      [
        'POST assignment with a read key',
        403,
        () =>
          send('post', '/v1/orgs/acme/assignments', {
            key: readKey.key,
            body: { serviceName: 'reader', protocol: 'tcp', port: 9202 },
          }),
      ],
      [
        "POST assignment with another organisation's key",
        404,
        () =>
          send('post', '/v1/orgs/acme/assignments', {
            key: beta.adminKey,
            body: { serviceName: 'intruder', protocol: 'tcp', port: 9203 },
          }),
      ],
      [
        'PATCH with a stale If-Match',
        412,
        () =>
          send('patch', `/v1/orgs/acme/assignments/${edited.id}`, {
            body: { description: 'lost update' },
            headers: { 'if-match': `"${edited.id}-1"` },
          }),
      ],
      [
        'PATCH into an overlap',
        409,
        () =>
          send('patch', `/v1/orgs/acme/assignments/${edited.id}`, {
            body: { port: 9001 },
          }),
      ],
      [
        'PATCH breaking a rule',
        422,
        () =>
          send('patch', `/v1/orgs/acme/assignments/${edited.id}`, {
            body: { protocol: 'icmp' },
          }),
      ],
      [
        "PATCH with another organisation's key",
        404,
        () =>
          send('patch', `/v1/orgs/acme/assignments/${edited.id}`, {
            key: beta.adminKey,
            body: { description: 'hijack' },
          }),
      ],
      [
        "PATCH of acme's assignment through beta's URL",
        404,
        () =>
          send('patch', `/v1/orgs/beta/assignments/${edited.id}`, {
            key: beta.adminKey,
            body: { description: 'hijack' },
          }),
      ],
      [
        'DELETE with a stale If-Match',
        412,
        () =>
          send('delete', `/v1/orgs/acme/assignments/${edited.id}`, {
            headers: { 'if-match': `"${edited.id}-1"` },
          }),
      ],
      [
        "DELETE with another organisation's key",
        404,
        () => send('delete', `/v1/orgs/acme/assignments/${holder.id}`, { key: beta.adminKey }),
      ],
      [
        "DELETE of acme's assignment through beta's URL",
        404,
        () => send('delete', `/v1/orgs/beta/assignments/${holder.id}`, { key: beta.adminKey }),
      ],
      [
        'allocation in an exhausted window, with an Idempotency-Key',
        409,
        () =>
          send('post', '/v1/orgs/acme/allocations', {
            body: { serviceName: 'late', protocol: 'tcp', scope: 'full', from: 20000, to: 20002 },
            headers: { 'idempotency-key': 'exhausted-1' },
          }),
      ],
      [
        'allocation breaking a rule, with an Idempotency-Key',
        422,
        () =>
          send('post', '/v1/orgs/acme/allocations', {
            body: { serviceName: 'late', protocol: 'icmp' },
            headers: { 'idempotency-key': 'invalid-1' },
          }),
      ],
      [
        "allocation in another organisation's reservation",
        404,
        () =>
          send('post', '/v1/orgs/beta/allocations', {
            key: beta.adminKey,
            body: { serviceName: 'thief', reservationId: reservation.id },
            headers: { 'idempotency-key': 'thief-1' },
          }),
      ],
      [
        'reservation overlapping another',
        409,
        () =>
          send('post', '/v1/orgs/acme/reservations', {
            body: { protocol: 'tcp', portStart: 9505, portEnd: 9515, purpose: 'red team' },
          }),
      ],
      [
        'reservation breaking a rule',
        422,
        () =>
          send('post', '/v1/orgs/acme/reservations', {
            body: { protocol: 'tcp', portStart: 9600, portEnd: 9590, purpose: 'backwards' },
          }),
      ],
      [
        "DELETE of a reservation with another organisation's key",
        404,
        () =>
          send('delete', `/v1/orgs/acme/reservations/${reservation.id}`, { key: beta.adminKey }),
      ],
      [
        'key with expiresAt in the past',
        422,
        () =>
          send('post', '/v1/orgs/acme/keys', {
            body: { scopes: ['read'], expiresAt: '2020-01-01T00:00:00Z' },
          }),
      ],
      [
        'key revocation with a read key',
        403,
        () => send('delete', `/v1/orgs/acme/keys/${acme.adminKeyId}`, { key: readKey.key }),
      ],
      [
        "key revocation with another organisation's key",
        404,
        () => send('delete', `/v1/orgs/acme/keys/${acme.adminKeyId}`, { key: beta.adminKey }),
      ],
      [
        'organisation with a slug that exists',
        409,
        () =>
          send('post', '/v1/orgs', {
            key: OPERATOR_KEY,
            body: { slug: 'acme', name: 'Acme again' },
          }),
      ],
      [
        'organisation with a slug that is not an RFC 1123 label',
        422,
        () =>
          send('post', '/v1/orgs', {
            key: OPERATOR_KEY,
            body: { slug: 'Not_A_Label', name: 'Bad' },
          }),
      ],
    ];

    it.each(CASES)('%s (%i)', async (_what, status, run) => {
      const before = await rowCounts(subject);
      const lastEvent = await lastAuditId();
      const beforeEdited = await call(
        subject.app,
        'get',
        `/v1/orgs/acme/assignments/${edited.id}`,
        {
          key: acme.adminKey,
        },
      );
      const response = await run();
      expect(response.status, response.text).toBe(status);
      expect(await rowCounts(subject)).toEqual(before);
      expect(await auditRowsAfter(lastEvent)).toEqual([]);
      // The rows that a refused write aimed at are as they were.
      const afterEdited = await call(subject.app, 'get', `/v1/orgs/acme/assignments/${edited.id}`, {
        key: acme.adminKey,
      });
      expect(afterEdited.body).toEqual(beforeEdited.body);
      const stillHeld = await call(subject.app, 'get', `/v1/orgs/acme/assignments/${holder.id}`, {
        key: acme.adminKey,
      });
      expect(stillHeld.status).toBe(200);
    });
  });

  describe('a successful write leaves exactly one audit event', () => {
    it('assignment create: after, no before, actor, request id', async () => {
      const { response, row, event } = await theOneEvent(
        () =>
          send('post', '/v1/orgs/acme/assignments', {
            body: { serviceName: 'audited', protocol: 'tcp', port: 7000, owner: 'ops' },
          }),
        201,
      );
      const { assignment } = bodyOf<AssignmentResult>(response);
      expectByAdmin(row, event);
      expect(event).toMatchObject({
        action: 'assignment.create',
        entityType: 'assignment',
        entityId: String(assignment.id),
        before: null,
        after: assignment,
      });
    });

    it('assignment update: before and after versions', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'updated',
        protocol: 'tcp',
        port: 7001,
      });
      const { response, row, event } = await theOneEvent(
        () =>
          send('patch', `/v1/orgs/acme/assignments/${created.id}`, {
            body: { description: 'now described' },
            headers: { 'if-match': `"${created.id}-1"` },
          }),
        200,
      );
      expectByAdmin(row, event);
      expect(event).toMatchObject({
        action: 'assignment.update',
        entityType: 'assignment',
        entityId: String(created.id),
        before: created,
        after: bodyOf<AssignmentResult>(response).assignment,
      });
      expect(event.after).toMatchObject({ version: 2, description: 'now described' });
    });

    it('assignment delete: before, no after', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'deleted',
        protocol: 'tcp',
        port: 7002,
      });
      const { row, event } = await theOneEvent(
        () => send('delete', `/v1/orgs/acme/assignments/${created.id}`),
        204,
      );
      expectByAdmin(row, event);
      expect(event).toMatchObject({
        action: 'assignment.delete',
        entityId: String(created.id),
        before: created,
        after: null,
      });
    });

    it('allocation: the new assignment, once, even when the Idempotency-Key is replayed', async () => {
      const allocate = () =>
        send('post', '/v1/orgs/acme/allocations', {
          body: { serviceName: 'allocated', protocol: 'tcp', scope: 'audit-alloc' },
          headers: { 'idempotency-key': 'audit-once' },
        });
      const { response, row, event } = await theOneEvent(allocate, 201);
      expectByAdmin(row, event);
      const { assignment } = bodyOf<AssignmentResult>(response);
      expect(event).toMatchObject({
        action: 'assignment.create',
        entityId: String(assignment.id),
        after: assignment,
      });
      // The replay is not a write: no second event.
      const last = await lastAuditId();
      const replay = await allocate();
      expect(replay.status).toBe(201);
      expect(await auditRowsAfter(last)).toEqual([]);
    });

    it('reservation create and delete', async () => {
      const created = await theOneEvent(
        () =>
          send('post', '/v1/orgs/acme/reservations', {
            body: { protocol: 'udp', portStart: 7100, portEnd: 7109, purpose: 'audit block' },
          }),
        201,
      );
      const reservation = bodyOf<ReservationView>(created.response);
      expectByAdmin(created.row, created.event);
      expect(created.event).toMatchObject({
        action: 'reservation.create',
        entityType: 'reservation',
        entityId: String(reservation.id),
        before: null,
        after: reservation,
      });
      const deleted = await theOneEvent(
        () => send('delete', `/v1/orgs/acme/reservations/${reservation.id}`),
        204,
      );
      expectByAdmin(deleted.row, deleted.event);
      expect(deleted.event).toMatchObject({
        action: 'reservation.delete',
        entityId: String(reservation.id),
        before: reservation,
        after: null,
      });
    });

    it('key creation (without the secret) and revocation', async () => {
      const created = await theOneEvent(
        () => send('post', '/v1/orgs/acme/keys', { body: { scopes: ['write'], name: 'ci' } }),
        201,
      );
      const { key, apiKey } = bodyOf<CreatedKey>(created.response);
      expectByAdmin(created.row, created.event);
      expect(created.event).toMatchObject({
        action: 'key.create',
        entityType: 'api-key',
        entityId: String(apiKey.id),
        before: null,
        after: apiKey,
      });
      expect(JSON.stringify(created.row)).not.toContain(key);
      expect(JSON.stringify(created.row)).not.toContain(key.slice(-43));

      const revoked = await theOneEvent(
        () => send('delete', `/v1/orgs/acme/keys/${apiKey.id}`),
        200,
      );
      expectByAdmin(revoked.row, revoked.event);
      expect(revoked.event).toMatchObject({
        action: 'key.revoke',
        entityId: String(apiKey.id),
        before: { ...apiKey, revokedAt: null },
      });
      expect((revoked.event.after as KeyView).revokedAt).toEqual(expect.any(String));
      // Revoking again changes nothing, and records nothing.
      const last = await lastAuditId();
      expect((await send('delete', `/v1/orgs/acme/keys/${apiKey.id}`)).status).toBe(200);
      expect(await auditRowsAfter(last)).toEqual([]);
    });

    it('organisation creation, by the operator', async () => {
      const before = await lastAuditId();
      const response = await send('post', '/v1/orgs', {
        key: OPERATOR_KEY,
        body: { slug: 'gamma', name: 'Gamma' },
      });
      expect(response.status, response.text).toBe(201);
      const rows = await auditRowsAfter(before);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actor: 'operator',
        actor_key_id: null,
        action: 'organization.create',
        entity_id: 'gamma',
        request_id: 'test-123',
      });
    });
  });

  describe('GET /v1/orgs/{org}/audit', () => {
    let events: AuditEvent[];

    beforeAll(async () => {
      // A few more writes of known order.
      for (const port of [7200, 7201, 7202, 7203]) {
        await send('post', '/v1/orgs/acme/assignments', {
          body: { serviceName: `ordered-${port}`, protocol: 'tcp', port },
          headers: { 'x-request-id': `order-${port}` },
        });
      }
      events = (
        await allPages<AuditEvent>(subject.app, '/v1/orgs/acme/audit?limit=3', acme.adminKey)
      ).items;
    });

    it('lists newest first', async () => {
      expect(events.slice(0, 4).map((event) => event.requestId)).toEqual([
        'order-7203',
        'order-7202',
        'order-7201',
        'order-7200',
      ]);
      const ids = events.map((event) => BigInt(event.id));
      for (let i = 1; i < ids.length; i += 1) {
        expect((ids[i] as bigint) < (ids[i - 1] as bigint)).toBe(true);
      }
      // Times follow ids for writes made one after another; concurrent transactions may take their
      // timestamps (transaction start) in another order than their ids.
      const times = events.slice(0, 4).map((event) => Date.parse(event.at));
      for (let i = 1; i < times.length; i += 1) {
        expect(times[i] as number).toBeLessThanOrEqual(times[i - 1] as number);
      }
    });

    it('pages with a cursor over every event of the organisation, and only of it', async () => {
      const result = await subject.database.pool.query<{ id: string }>(
        `SELECT e.id FROM audit_events e JOIN organizations o ON o.id = e.organization_id
         WHERE o.slug = 'acme' ORDER BY e.id DESC`,
      );
      expect(events.map((event) => event.id)).toEqual(result.rows.map((row) => String(row.id)));
      expect(events.at(-1)?.action).toBe('organization.create');
    });

    it("does not show one organisation's events to another", async () => {
      const response = await call(subject.app, 'get', '/v1/orgs/beta/audit?limit=500', {
        key: beta.adminKey,
      });
      const betaEvents = bodyOf<Page<AuditEvent>>(response).items;
      expect(betaEvents.map((event) => event.action)).toEqual(['organization.create']);
    });

    it('refuses a cursor it did not issue', async () => {
      const response = await call(subject.app, 'get', '/v1/orgs/acme/audit?cursor=bogus', {
        key: acme.adminKey,
      });
      expect(response.status).toBe(400);
    });
  });
});
