import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createAssignment,
  createOrg,
  createReservation,
  OPERATOR_KEY,
  openOrgApp,
  type OrgFixture,
} from '../orgs/support.js';
import type { TestApp } from '../support/app.js';
import { graphql } from './graphql-app.js';
import {
  ALLOCATE_PORT,
  ASSIGNMENT,
  CREATE_ASSIGNMENT,
  DELETE_ASSIGNMENT,
  dataOf,
  onlyError,
  succeed,
  UPDATE_ASSIGNMENT,
  type AssignmentResultData,
} from './org-support.js';

/**
 * The assignment mutations of SPEC.md section 6 (createAssignment, updateAssignment,
 * deleteAssignment, allocatePort): what each answers, and the code of each refusal.
 */
describe('GraphQL mutations of assignments and allocations', () => {
  let subject: TestApp;
  let acme: OrgFixture;
  let port = 20_000;
  const nextPort = () => (port += 1);

  const ask = (document: string, variables: Record<string, unknown>, key = acme.adminKey) =>
    graphql(subject.app, document, variables, key);
  const create = (input: Record<string, unknown>) =>
    succeed<AssignmentResultData>(
      subject.app,
      CREATE_ASSIGNMENT,
      { org: acme.slug, input },
      acme.adminKey,
      'createAssignment',
    );

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
  });
  afterAll(async () => subject?.close());

  describe('createAssignment', () => {
    it('assigns one port and answers the assignment, its etag and warnings', async () => {
      const result = await create({
        serviceName: 'web-api',
        protocol: 'tcp',
        port: 80,
        scope: 'prod',
        description: 'Front door',
        owner: 'platform',
        tags: ['edge', 'public'],
      });
      expect(result.assignment).toMatchObject({
        scope: 'prod',
        serviceName: 'web-api',
        protocol: 'tcp',
        portStart: 80,
        portEnd: 80,
        description: 'Front door',
        owner: 'platform',
        tags: ['edge', 'public'],
        version: 1,
        createdBy: `key ${acme.adminPrefix}`,
      });
      expect(result.assignment.etag).toBe(`"${result.assignment.id}-1"`);
      expect(result.warnings.map((warning) => warning.code)).toEqual(
        expect.arrayContaining(['iana-assigned', 'privileged']),
      );
      expect(result.replayed).toBe(false);
    });

    it('assigns a range in the default scope', async () => {
      const result = await create({
        serviceName: 'workers',
        protocol: 'udp',
        portStart: 7000,
        portEnd: 7009,
      });
      expect(result.assignment).toMatchObject({ scope: 'default', portStart: 7000, portEnd: 7009 });
      expect(result.assignment.description).toBeNull();
    });

    it('refuses port 70000 with BAD_USER_INPUT and field errors, as REST answers 422', async () => {
      const answer = await ask(CREATE_ASSIGNMENT, {
        org: acme.slug,
        input: { serviceName: 'big', protocol: 'tcp', port: 70000 },
      });
      const error = onlyError(answer, 'BAD_USER_INPUT');
      expect(error.path).toEqual(['createAssignment']);
      expect(error.extensions.errors).toEqual([
        { field: 'port', message: 'must be an integer from 0 to 65535' },
      ]);
      expect(answer.data).toEqual({ createAssignment: null });
    });

    it('refuses a bad service name, both port and portStart, and a dynamic port, field by field', async () => {
      const answer = await ask(CREATE_ASSIGNMENT, {
        org: acme.slug,
        input: { serviceName: '-bad-', protocol: 'tcp', port: 50000, portStart: 50000 },
      });
      const fields = (
        onlyError(answer, 'BAD_USER_INPUT').extensions.errors as { field: string }[]
      ).map((problem) => problem.field);
      expect(fields).toEqual(expect.arrayContaining(['port', 'serviceName']));
    });

    it('takes a dynamic port only with allowDynamic', async () => {
      const input = { serviceName: 'ephemeral-thing', protocol: 'tcp', port: 50001 };
      const refused = await ask(CREATE_ASSIGNMENT, { org: acme.slug, input });
      expect(
        (onlyError(refused, 'BAD_USER_INPUT').extensions.errors as { message: string }[])[0]
          ?.message,
      ).toContain('allowDynamic');
      const result = await create({ ...input, allowDynamic: true });
      expect(result.assignment.portStart).toBe(50001);
    });

    it('refuses what REST’s body schema bounds (a 501-character description) with BAD_USER_INPUT', async () => {
      const answer = await ask(CREATE_ASSIGNMENT, {
        org: acme.slug,
        input: {
          serviceName: 'wordy',
          protocol: 'tcp',
          port: nextPort(),
          description: 'x'.repeat(501),
        },
      });
      expect(onlyError(answer, 'BAD_USER_INPUT').extensions.errors).toEqual([
        { field: 'description', message: expect.stringContaining('500') },
      ]);
    });

    it('refuses an input field the type does not have, before anything runs', async () => {
      const answer = await ask(CREATE_ASSIGNMENT, {
        org: acme.slug,
        input: { serviceName: 'x', protocol: 'tcp', port: nextPort(), colour: 'red' },
      });
      expect(answer.status).toBe(400);
      expect(onlyError(answer, 'BAD_USER_INPUT').message).toContain('"colour"');
      const inline = await ask(
        `mutation { createAssignment(org: "acme", input: { serviceName: "x", protocol: tcp, port: 1, colour: "red" }) { assignment { id } } }`,
        {},
      );
      expect(inline.status).toBe(400);
      onlyError(inline, 'GRAPHQL_VALIDATION_FAILED');
    });

    it('refuses an overlap with CONFLICT naming the holder in extensions.conflict', async () => {
      const holder = await create({ serviceName: 'holder', protocol: 'tcp', port: 8443 });
      const answer = await ask(CREATE_ASSIGNMENT, {
        org: acme.slug,
        input: { serviceName: 'intruder', protocol: 'tcp', portStart: 8440, portEnd: 8450 },
      });
      const error = onlyError(answer, 'CONFLICT');
      expect(error.message).toContain('8440-8450/tcp');
      const { etag: _etag, ...holderJson } = holder.assignment;
      expect(error.extensions.conflict).toEqual(holderJson);
      // Another scope or protocol is no conflict.
      await create({ serviceName: 'intruder', protocol: 'udp', port: 8443 });
      await create({ serviceName: 'intruder', protocol: 'tcp', port: 8443, scope: 'staging' });
    });

    it('answers NOT_FOUND for an organisation that does not exist', async () => {
      const answer = await graphql(
        subject.app,
        CREATE_ASSIGNMENT,
        { org: 'nobody', input: { serviceName: 'x', protocol: 'tcp', port: 1 } },
        OPERATOR_KEY,
      );
      expect(onlyError(answer, 'NOT_FOUND').message).toBe('no organisation "nobody"');
    });
  });

  describe('updateAssignment', () => {
    it('changes the fields given, keeps the others, and counts the version up', async () => {
      const created = await create({
        serviceName: 'billing',
        protocol: 'tcp',
        port: nextPort(),
        owner: 'payments',
        tags: ['a'],
      });
      const result = await succeed<AssignmentResultData>(
        subject.app,
        UPDATE_ASSIGNMENT,
        {
          org: acme.slug,
          id: created.assignment.id,
          input: { description: 'Billing API', tags: ['a', 'b'], owner: null },
        },
        acme.adminKey,
        'updateAssignment',
      );
      expect(result.assignment).toMatchObject({
        id: created.assignment.id,
        serviceName: 'billing',
        description: 'Billing API',
        owner: 'payments',
        tags: ['a', 'b'],
        version: 2,
        etag: `"${created.assignment.id}-2"`,
      });
    });

    it('changes with the current ifVersion; a stale one is PRECONDITION_FAILED and changes nothing', async () => {
      const { assignment } = await create({
        serviceName: 'svc',
        protocol: 'tcp',
        port: nextPort(),
      });
      const current = await ask(UPDATE_ASSIGNMENT, {
        org: acme.slug,
        id: assignment.id,
        input: { description: 'v2' },
        ifVersion: 1,
      });
      expect(dataOf(current).updateAssignment).toMatchObject({ assignment: { version: 2 } });
      const stale = await ask(UPDATE_ASSIGNMENT, {
        org: acme.slug,
        id: assignment.id,
        input: { description: 'lost update' },
        ifVersion: 1,
      });
      expect(onlyError(stale, 'PRECONDITION_FAILED').message).toContain('since version 1');
      const read = dataOf(
        await ask(`query ($id: Int!) { org(slug: "acme") { assignment(id: $id) ${ASSIGNMENT} } }`, {
          id: assignment.id,
        }),
      );
      expect(read.org).toMatchObject({ assignment: { description: 'v2', version: 2 } });
    });

    it('refuses a move onto another assignment with CONFLICT, and 70000 with BAD_USER_INPUT', async () => {
      const first = await create({ serviceName: 'one', protocol: 'tcp', port: nextPort() });
      const second = await create({ serviceName: 'two', protocol: 'tcp', port: nextPort() });
      const moved = await ask(UPDATE_ASSIGNMENT, {
        org: acme.slug,
        id: second.assignment.id,
        input: { port: first.assignment.portStart },
      });
      expect(onlyError(moved, 'CONFLICT').extensions.conflict).toMatchObject({
        id: first.assignment.id,
      });
      const big = await ask(UPDATE_ASSIGNMENT, {
        org: acme.slug,
        id: second.assignment.id,
        input: { port: 70000 },
      });
      onlyError(big, 'BAD_USER_INPUT');
    });

    it('answers NOT_FOUND for an assignment of no such id', async () => {
      const answer = await ask(UPDATE_ASSIGNMENT, {
        org: acme.slug,
        id: 999_999,
        input: { description: 'x' },
      });
      expect(onlyError(answer, 'NOT_FOUND').message).toBe('no assignment 999999');
    });
  });

  describe('deleteAssignment', () => {
    it('deletes and answers true; then the assignment is NOT_FOUND', async () => {
      const { assignment } = await create({
        serviceName: 'gone',
        protocol: 'tcp',
        port: nextPort(),
      });
      const deleted = await ask(DELETE_ASSIGNMENT, { org: acme.slug, id: assignment.id });
      expect(dataOf(deleted)).toEqual({ deleteAssignment: true });
      const again = await ask(DELETE_ASSIGNMENT, { org: acme.slug, id: assignment.id });
      onlyError(again, 'NOT_FOUND');
      expect(again.data).toEqual({ deleteAssignment: null });
    });

    it('refuses a stale ifVersion with PRECONDITION_FAILED and keeps the assignment', async () => {
      const { assignment } = await create({
        serviceName: 'kept',
        protocol: 'tcp',
        port: nextPort(),
      });
      const stale = await ask(DELETE_ASSIGNMENT, {
        org: acme.slug,
        id: assignment.id,
        ifVersion: 7,
      });
      onlyError(stale, 'PRECONDITION_FAILED');
      const response = await call(
        subject.app,
        'get',
        `/v1/orgs/acme/assignments/${assignment.id}`,
        { key: acme.adminKey },
      );
      expect(response.status).toBe(200);
      const current = await ask(DELETE_ASSIGNMENT, {
        org: acme.slug,
        id: assignment.id,
        ifVersion: 1,
      });
      expect(dataOf(current)).toEqual({ deleteAssignment: true });
    });
  });

  describe('allocatePort', () => {
    const allocate = (input: Record<string, unknown>, idempotencyKey?: string) =>
      ask(ALLOCATE_PORT, { org: acme.slug, input, idempotencyKey });

    it('gives the lowest port of the window that IANA does not assign', async () => {
      // 70/tcp is gopher's in the small registry.
      const first = dataOf(
        await allocate({
          serviceName: 'alloc-a',
          protocol: 'tcp',
          scope: 'alloc',
          from: 70,
          to: 80,
        }),
      ).allocatePort as AssignmentResultData;
      expect(first.assignment).toMatchObject({ portStart: 71, portEnd: 71, scope: 'alloc' });
      expect(first.replayed).toBe(false);
      const second = dataOf(
        await allocate({
          serviceName: 'alloc-b',
          protocol: 'tcp',
          scope: 'alloc',
          from: 70,
          to: 80,
        }),
      ).allocatePort as AssignmentResultData;
      expect(second.assignment.portStart).toBe(72);
    });

    it('answers the first allocation again for the same idempotencyKey, marked replayed', async () => {
      const input = { serviceName: 'idem', protocol: 'udp', scope: 'idem' };
      const first = dataOf(await allocate(input, 'retry-1')).allocatePort as AssignmentResultData;
      const again = dataOf(await allocate(input, 'retry-1')).allocatePort as AssignmentResultData;
      expect(again.assignment).toEqual(first.assignment);
      expect(again.replayed).toBe(true);
      const other = dataOf(await allocate(input, 'retry-2')).allocatePort as AssignmentResultData;
      expect(other.assignment.portStart).toBe(first.assignment.portStart + 1);
    });

    it('refuses an idempotencyKey reused with a different input with BAD_USER_INPUT', async () => {
      const input = { serviceName: 'idem-reuse', protocol: 'tcp', scope: 'idem-reuse' };
      const first = dataOf(await allocate(input, 'reuse-1')).allocatePort as AssignmentResultData;
      const refused = await allocate({ ...input, scope: 'elsewhere' }, 'reuse-1');
      expect(onlyError(refused, 'BAD_USER_INPUT').extensions.errors).toEqual([
        { field: 'idempotencyKey', message: expect.stringContaining('different request') },
      ]);
      // Left out and null are the same input, so this is a repeat, not a new request.
      const again = dataOf(await allocate({ ...input, description: null }, 'reuse-1'))
        .allocatePort as AssignmentResultData;
      expect(again.replayed).toBe(true);
      expect(again.assignment).toEqual(first.assignment);
    });

    it('allocates inside a reservation', async () => {
      const reservation = await createReservation(subject.app, acme, {
        protocol: 'sctp',
        portStart: 9100,
        portEnd: 9104,
        scope: 'blocks',
        purpose: 'metrics exporters',
      });
      const result = dataOf(
        await allocate({ serviceName: 'exporter', reservationId: reservation.id }),
      ).allocatePort as AssignmentResultData;
      expect(result.assignment).toMatchObject({
        protocol: 'sctp',
        scope: 'blocks',
        portStart: 9100,
      });
    });

    it('reaches into the dynamic range only with allowDynamic', async () => {
      const input = { serviceName: 'high', protocol: 'udp', scope: 'high', from: 60000, to: 60010 };
      const refused = await allocate(input);
      expect(onlyError(refused, 'BAD_USER_INPUT').extensions.errors).toEqual([
        { field: 'to', message: expect.stringContaining('allowDynamic') },
      ]);
      const allowed = dataOf(await allocate({ ...input, allowDynamic: true }))
        .allocatePort as AssignmentResultData;
      expect(allowed.assignment.portStart).toBe(60000);
    });

    it('answers CONFLICT when the window is exhausted', async () => {
      await createAssignment(subject.app, acme, {
        serviceName: 'filler',
        protocol: 'dccp',
        port: 9000,
        scope: 'full',
      });
      const answer = await allocate({
        serviceName: 'late',
        protocol: 'dccp',
        scope: 'full',
        from: 9000,
        to: 9000,
      });
      expect(onlyError(answer, 'CONFLICT').message).toContain('no free dccp port in 9000-9000');
    });

    it('refuses a missing protocol and a bad idempotencyKey with BAD_USER_INPUT', async () => {
      const noProtocol = await allocate({ serviceName: 'x' });
      expect(onlyError(noProtocol, 'BAD_USER_INPUT').extensions.errors).toEqual([
        { field: 'protocol', message: 'must be one of tcp, udp, sctp, dccp' },
      ]);
      const badKey = await allocate({ serviceName: 'x', protocol: 'tcp' }, 'has spaces in it');
      expect(onlyError(badKey, 'BAD_USER_INPUT')).toMatchObject({
        message: 'idempotencyKey must be 1-200 visible ASCII characters',
        extensions: { errors: [{ field: 'idempotencyKey' }] },
      });
      const zero = await allocate({ serviceName: 'x', reservationId: 0 });
      expect(onlyError(zero, 'BAD_USER_INPUT').extensions.errors).toEqual([
        { field: 'reservationId', message: expect.any(String) },
      ]);
    });

    it('answers NOT_FOUND for a reservation of no such id', async () => {
      onlyError(await allocate({ serviceName: 'x', reservationId: 424242 }), 'NOT_FOUND');
    });
  });
});
