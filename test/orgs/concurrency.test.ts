import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { waitFor } from '../support/processes.js';
import {
  bodyOf,
  call,
  createAssignment,
  createOrg,
  createReservation,
  openOrgApp,
  problemOf,
  type AssignmentResult,
  type OrgFixture,
  type Response,
} from './support.js';

/**
 * Races against the database's own guarantees (SPEC.md sections 4 and 5): overlapping writes,
 * concurrent allocations, idempotent retries, exhausted windows.
 */
describe('concurrency', () => {
  let subject: TestApp;
  let acme: OrgFixture;

  const allocate = (body: object, idempotencyKey?: string, org: OrgFixture = acme) =>
    call(subject.app, 'post', `/v1/orgs/${org.slug}/allocations`, {
      key: org.adminKey,
      body,
      headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
    });
  const portOf = (response: Response) => bodyOf<AssignmentResult>(response).assignment.portStart;
  const statuses = (responses: Response[]) => {
    const counts: Record<number, number> = {};
    for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
    return counts;
  };
  const countRows = async (sql: string, values: unknown[]): Promise<number> => {
    const result = await subject.database.pool.query<{ count: string }>(sql, values);
    return Number(result.rows[0]?.count);
  };

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
  });
  afterAll(async () => subject?.close());

  it('50 concurrent overlapping POSTs store exactly one row and answer 49 times 409', async () => {
    // Every pair overlaps: each body holds 9005 (9000-9010, 9005, 9001-9007, ...).
    const bodies = Array.from({ length: 50 }, (_, i) =>
      i % 5 === 0
        ? { serviceName: `racer-${i}`, protocol: 'tcp', port: 9005 }
        : {
            serviceName: `racer-${i}`,
            protocol: 'tcp',
            portStart: 9000 + (i % 6),
            portEnd: 9005 + (i % 6),
          },
    );
    const responses = await Promise.all(
      bodies.map((body) =>
        call(subject.app, 'post', `/v1/orgs/${acme.slug}/assignments`, {
          key: acme.adminKey,
          body: { ...body, scope: 'race' },
        }),
      ),
    );
    expect(statuses(responses)).toEqual({ 201: 1, 409: 49 });
    const winner = responses.find((response) => response.status === 201) as Response;
    const stored = bodyOf<AssignmentResult>(winner).assignment;
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(problemOf(response).conflict).toEqual(stored);
    }
    expect(await countRows(`SELECT count(*) FROM assignments WHERE scope = 'race'`, [])).toBe(1);
    expect(
      await countRows(
        `SELECT count(*) FROM audit_events WHERE action = 'assignment.create' AND entity_id = $1`,
        [String(stored.id)],
      ),
    ).toBe(1);
  });

  it('a POST that PostgreSQL picks as a deadlock victim is run again, not answered 500', async () => {
    // Two overlapping inserts each wait on the other's uncommitted row in the exclusion index,
    // and PostgreSQL aborts one with 40P01. Built here on purpose: another session holds 9500-9505
    // and, once the POST (9503-9508) waits on it, inserts 9507-9510, which waits on the POST. The
    // other session checks for deadlocks only after 10 s, so the POST is the victim.
    const org = await countRows(`SELECT id AS count FROM organizations WHERE slug = $1`, [
      acme.slug,
    ]);
    const insert = `INSERT INTO assignments
        (organization_id, scope, service_name, name_key, protocol, port_start, port_end)
        VALUES ($1, 'deadlock', 'other', 'other', 'tcp', $2, $3)`;
    const other = await subject.database.pool.connect();
    let post: Promise<Response> | undefined;
    try {
      await other.query('BEGIN');
      await other.query(`SET LOCAL deadlock_timeout = '10s'`);
      await other.query(insert, [org, 9500, 9505]);
      post = call(subject.app, 'post', `/v1/orgs/${acme.slug}/assignments`, {
        key: acme.adminKey,
        body: {
          serviceName: 'victim',
          protocol: 'tcp',
          portStart: 9503,
          portEnd: 9508,
          scope: 'deadlock',
        },
      });
      await waitFor(
        'the POST to wait on the other session',
        async () =>
          (await countRows(
            `SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted`,
            [],
          )) > 0,
      );
      await other.query(insert, [org, 9507, 9510]);
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
    const answer = await post;
    expect(answer.status, answer.text).toBe(201);
    expect(bodyOf<AssignmentResult>(answer).assignment).toMatchObject({
      portStart: 9503,
      portEnd: 9508,
    });
    expect(await countRows(`SELECT count(*) FROM assignments WHERE scope = 'deadlock'`, [])).toBe(
      1,
    );
  });

  it('10 DELETEs of one reservation or one assignment at once: one 204, nine 404, never 500', async () => {
    const reservation = await createReservation(subject.app, acme, {
      protocol: 'udp',
      portStart: 9600,
      portEnd: 9601,
      scope: 'delete-race',
      purpose: 'race',
    });
    const assignment = await createAssignment(subject.app, acme, {
      serviceName: 'delete-race',
      protocol: 'udp',
      port: 9610,
      scope: 'delete-race',
    });
    for (const url of [
      `/v1/orgs/${acme.slug}/reservations/${reservation.id}`,
      `/v1/orgs/${acme.slug}/assignments/${assignment.id}`,
    ]) {
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => call(subject.app, 'delete', url, { key: acme.adminKey })),
      );
      expect(statuses(responses), url).toEqual({ 204: 1, 404: 9 });
    }
    expect(
      await countRows(
        `SELECT count(*) FROM audit_events WHERE action IN ('reservation.delete', 'assignment.delete')
           AND entity_id IN ($1, $2)`,
        [String(reservation.id), String(assignment.id)],
      ),
    ).toBe(2);
  });

  it('200 concurrent allocations in the default window answer 201 with 200 distinct ports', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        allocate({ serviceName: `worker-${i}`, protocol: 'tcp', scope: 'alloc-many' }),
      ),
    );
    expect(statuses(responses)).toEqual({ 201: 200 });
    const ports = responses.map(portOf);
    expect(new Set(ports).size).toBe(200);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(1024);
      expect(port).toBeLessThanOrEqual(32767);
    }
    // The lowest free ports: nothing in 1024-1223 is IANA-assigned in the fixture.
    expect([...ports].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => 1024 + i),
    );
    expect(
      await countRows(`SELECT count(DISTINCT port_start) FROM assignments WHERE scope = $1`, [
        'alloc-many',
      ]),
    ).toBe(200);
  });

  it('concurrent allocations in a window of 10 ports give 10 distinct ports and 409 only after that', async () => {
    const responses = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        allocate({
          serviceName: `small-${i}`,
          protocol: 'udp',
          scope: 'alloc-small',
          from: 21000,
          to: 21009,
        }),
      ),
    );
    expect(statuses(responses)).toEqual({ 201: 10, 409: 15 });
    const ports = responses.filter((r) => r.status === 201).map(portOf);
    expect([...ports].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => 21000 + i),
    );
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(problemOf(response).detail).toMatch(/21000-21009/);
    }
  });

  it('allocations racing with direct POSTs of the same ports answer 201 or 409, never 500', async () => {
    const window = { from: 25000, to: 25019 };
    const requests: Promise<Response>[] = [];
    for (let i = 0; i < 20; i += 1) {
      requests.push(
        allocate({ serviceName: `auto-${i}`, protocol: 'tcp', scope: 'mixed', ...window }),
        call(subject.app, 'post', `/v1/orgs/${acme.slug}/assignments`, {
          key: acme.adminKey,
          body: { serviceName: `manual-${i}`, protocol: 'tcp', port: 25000 + i, scope: 'mixed' },
        }),
      );
    }
    const responses = await Promise.all(requests);
    const unexpected = responses.filter((r) => r.status !== 201 && r.status !== 409);
    expect(unexpected.map((r) => `${r.status} ${r.text}`)).toEqual([]);
    const stored = await countRows(
      `SELECT count(*) FROM assignments WHERE scope = 'mixed' AND port_start BETWEEN 25000 AND 25019`,
      [],
    );
    expect(stored).toBe(responses.filter((r) => r.status === 201).length);
    expect(stored).toBeLessThanOrEqual(20);
  });

  it('a repeated Idempotency-Key answers the same port, marked as replayed', async () => {
    const body = { serviceName: 'retried', protocol: 'tcp', scope: 'idem' };
    const first = await allocate(body, 'retry-1');
    expect(first.status, first.text).toBe(201);
    const second = await allocate(body, 'retry-1');
    expect(second.status, second.text).toBe(201);
    expect(bodyOf<AssignmentResult>(second)).toEqual(bodyOf<AssignmentResult>(first));
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // A new key gets a new port.
    const third = await allocate(body, 'retry-2');
    expect(portOf(third)).not.toBe(portOf(first));
    expect(await countRows(`SELECT count(*) FROM assignments WHERE scope = 'idem'`, [])).toBe(2);
  });

  it('an Idempotency-Key reused with a different request answers 422 and allocates nothing', async () => {
    const body = { serviceName: 'reused', protocol: 'tcp', scope: 'idem-reuse' };
    const first = await allocate(body, 'reuse-1');
    expect(first.status, first.text).toBe(201);
    for (const changed of [
      { ...body, serviceName: 'reused-other' },
      { ...body, protocol: 'udp' },
      { ...body, from: 30000 },
      { ...body, description: 'a different request' },
    ]) {
      const refused = await allocate(changed, 'reuse-1');
      expect(refused.status, refused.text).toBe(422);
      expect(problemOf(refused).errors).toEqual([
        { field: 'Idempotency-Key', message: expect.stringContaining('different request') },
      ]);
    }
    // The key still replays its own request, and nothing else was stored.
    const again = await allocate(body, 'reuse-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(portOf(again)).toBe(portOf(first));
    expect(await countRows(`SELECT count(*) FROM assignments WHERE scope = 'idem-reuse'`, [])).toBe(
      1,
    );
  });

  it('a key stored before requests were fingerprinted (no hash) still replays its answer', async () => {
    const body = { serviceName: 'legacy', protocol: 'tcp', scope: 'idem-legacy' };
    const first = await allocate(body, 'legacy-1');
    expect(first.status, first.text).toBe(201);
    await subject.database.pool.query(
      `UPDATE idempotency_records SET request_hash = NULL WHERE key = 'legacy-1'`,
    );
    const again = await allocate({ ...body, scope: 'idem-legacy-2' }, 'legacy-1');
    expect(again.status, again.text).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(portOf(again)).toBe(portOf(first));
  });

  it('10 racing requests with one Idempotency-Key all answer the same port, and one row exists', async () => {
    const body = { serviceName: 'stampede', protocol: 'tcp', scope: 'idem-race' };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => allocate(body, 'stampede-key')),
    );
    expect(statuses(responses)).toEqual({ 201: 10 });
    expect(new Set(responses.map(portOf)).size).toBe(1);
    expect(new Set(responses.map((r) => bodyOf<AssignmentResult>(r).assignment.id)).size).toBe(1);
    expect(
      responses.filter((response) => response.headers['idempotent-replayed'] === 'true'),
    ).toHaveLength(9);
    expect(await countRows(`SELECT count(*) FROM assignments WHERE scope = 'idem-race'`, [])).toBe(
      1,
    );
  });

  it('Idempotency-Keys belong to one organisation', async () => {
    const beta = await createOrg(subject.app, 'beta');
    const body = { serviceName: 'shared-key', protocol: 'tcp', scope: 'idem-orgs' };
    const mine = await allocate(body, 'same-key');
    const theirs = await allocate(body, 'same-key', beta);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(bodyOf<AssignmentResult>(theirs).assignment.id).not.toBe(
      bodyOf<AssignmentResult>(mine).assignment.id,
    );
  });

  it('refuses a malformed Idempotency-Key with 400', async () => {
    const response = await allocate(
      { serviceName: 'bad-key', protocol: 'tcp', scope: 'idem' },
      'x'.repeat(201),
    );
    expect(response.status).toBe(400);
    expect(problemOf(response).errors?.[0]?.field).toBe('Idempotency-Key');
  });

  it('an exhausted window (20000-20002 with all 3 taken) answers 409', async () => {
    await Promise.all(
      [20000, 20001, 20002].map((port) =>
        createAssignment(subject.app, acme, {
          serviceName: `taken-${port}`,
          protocol: 'tcp',
          port,
          scope: 'exhausted',
        }),
      ),
    );
    const response = await allocate({
      serviceName: 'late',
      protocol: 'tcp',
      scope: 'exhausted',
      from: 20000,
      to: 20002,
    });
    expect(response.status, response.text).toBe(409);
    expect(problemOf(response).detail).toMatch(/20000-20002/);
    // The same window of another scope is free.
    const elsewhere = await allocate({
      serviceName: 'late',
      protocol: 'tcp',
      scope: 'not-exhausted',
      from: 20000,
      to: 20002,
    });
    expect(portOf(elsewhere)).toBe(20000);
  });

  it('skips IANA-assigned ports (80/tcp http, 143/tcp imap) and reserved ones (143/udp)', async () => {
    const [http, imap, udp] = await Promise.all([
      allocate({ serviceName: 'low', protocol: 'tcp', scope: 'iana', from: 80, to: 81 }),
      allocate({ serviceName: 'mail', protocol: 'tcp', scope: 'iana', from: 143, to: 144 }),
      allocate({ serviceName: 'mail', protocol: 'udp', scope: 'iana', from: 143, to: 144 }),
    ]);
    expect(portOf(http)).toBe(81);
    expect(portOf(imap)).toBe(144);
    expect(portOf(udp)).toBe(144);
    // 80/udp is not assigned in the fixture: the lowest port is free there.
    const udp80 = await allocate({
      serviceName: 'low',
      protocol: 'udp',
      scope: 'iana',
      from: 80,
      to: 81,
    });
    expect(portOf(udp80)).toBe(80);
    const none = await allocate({
      serviceName: 'web',
      protocol: 'tcp',
      scope: 'iana-none',
      from: 80,
      to: 80,
    });
    expect(none.status).toBe(409);
  });

  it("skips the organisation's assignments and reservations, unless allocating inside that reservation", async () => {
    await createAssignment(subject.app, acme, {
      serviceName: 'holder',
      protocol: 'tcp',
      portStart: 22000,
      portEnd: 22004,
      scope: 'blocks',
    });
    const reservation = await createReservation(subject.app, acme, {
      protocol: 'tcp',
      portStart: 22005,
      portEnd: 22009,
      scope: 'blocks',
      purpose: 'team blue',
    });
    const outside = await allocate({
      serviceName: 'outsider',
      protocol: 'tcp',
      scope: 'blocks',
      from: 22000,
      to: 22020,
    });
    expect(portOf(outside)).toBe(22010);

    const inside = await allocate({ serviceName: 'insider', reservationId: reservation.id });
    expect(inside.status, inside.text).toBe(201);
    expect(bodyOf<AssignmentResult>(inside).assignment).toMatchObject({
      portStart: 22005,
      scope: 'blocks',
      protocol: 'tcp',
    });
    const next = await allocate({ serviceName: 'insider-2', reservationId: reservation.id });
    expect(portOf(next)).toBe(22006);
  });

  it('concurrent allocations inside one reservation fill it and then answer 409', async () => {
    const reservation = await createReservation(subject.app, acme, {
      protocol: 'sctp',
      portStart: 23000,
      portEnd: 23004,
      scope: 'reserved-race',
      purpose: 'small block',
    });
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        allocate({ serviceName: `r-${i}`, reservationId: reservation.id }),
      ),
    );
    expect(statuses(responses)).toEqual({ 201: 5, 409: 3 });
    const ports = responses.filter((r) => r.status === 201).map(portOf);
    expect([...ports].sort((a, b) => a - b)).toEqual([23000, 23001, 23002, 23003, 23004]);
  });

  it('refuses a window in the dynamic range 49152-65535 (RFC 6335 8.1.2), as it refuses such an assignment', async () => {
    const response = await allocate({
      serviceName: 'dynamic',
      protocol: 'tcp',
      scope: 'dynamic-window',
      from: 50000,
      to: 50010,
    });
    expect(response.status, response.text).toBe(422);
    expect(
      problemOf(response)
        .errors?.map((error) => error.field)
        .join(' '),
    ).toMatch(/from|to/);
  });

  it('refuses a reservation of another organisation with 404', async () => {
    const gamma = await createOrg(subject.app, 'gamma');
    const theirs = await createReservation(subject.app, gamma, {
      protocol: 'tcp',
      portStart: 24000,
      portEnd: 24009,
      purpose: 'gamma only',
    });
    const response = await allocate({ serviceName: 'thief', reservationId: theirs.id });
    expect(response.status).toBe(404);
  });

  it.each([
    ['no protocol', { serviceName: 'x' }, 'protocol'],
    ['an unknown protocol', { serviceName: 'x', protocol: 'icmp' }, 'protocol'],
    ['from after to', { serviceName: 'x', protocol: 'tcp', from: 2000, to: 1999 }, 'from'],
    ['a port out of range', { serviceName: 'x', protocol: 'tcp', from: 1, to: 70000 }, 'to'],
    ['a bad name', { serviceName: 'a--b', protocol: 'tcp' }, 'serviceName'],
  ])('refuses an allocation with %s (422)', async (_what, body, field) => {
    const response = await allocate({ ...body, scope: 'invalid' });
    expect(response.status, response.text).toBe(422);
    expect(problemOf(response).errors?.map((error) => error.field)).toContain(field);
  });
});
