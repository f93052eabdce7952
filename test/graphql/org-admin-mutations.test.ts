import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrg,
  createReservation,
  OPERATOR_KEY,
  openOrgApp,
  type OrgFixture,
} from '../orgs/support.js';
import type { TestApp } from '../support/app.js';
import { graphql } from './graphql-app.js';
import {
  API_KEY,
  CREATE_API_KEY,
  CREATE_ASSIGNMENT,
  CREATE_ORG,
  CREATE_RESERVATION,
  DELETE_RESERVATION,
  dataOf,
  onlyError,
  RESERVATION,
  REVOKE_API_KEY,
  succeed,
} from './org-support.js';

/**
 * The other mutations of SPEC.md section 6 (createOrg, createReservation, deleteReservation,
 * createApiKey, revokeApiKey): what each answers, and the code of each refusal.
 */
describe('GraphQL mutations of organisations, reservations and keys', () => {
  let subject: TestApp;
  let acme: OrgFixture;
  let port = 20_000;
  const nextPort = () => (port += 1);

  const ask = (document: string, variables: Record<string, unknown>, key = acme.adminKey) =>
    graphql(subject.app, document, variables, key);

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
  });
  afterAll(async () => subject?.close());

  describe('createOrg', () => {
    it('creates an organisation with a first admin key shown once, not to be cached', async () => {
      const answer = await graphql(
        subject.app,
        CREATE_ORG,
        { slug: 'globex', name: '  Globex  ' },
        OPERATOR_KEY,
      );
      const created = dataOf(answer).createOrg as {
        organization: { slug: string; name: string };
        key: string;
        apiKey: { scopes: string[]; name: string };
      };
      expect(created.organization).toMatchObject({ slug: 'globex', name: 'Globex' });
      expect(created.key).toMatch(/^prk_[0-9a-f]{8}_/);
      expect(created.apiKey).toMatchObject({ scopes: ['admin'], name: 'first admin key' });
      expect(answer.headers['cache-control']).toBe('no-store');
      const org = dataOf(
        await graphql(subject.app, '{ org(slug: "globex") { slug } }', {}, created.key),
      );
      expect(org.org).toEqual({ slug: 'globex' });
    });

    it('refuses a slug that exists already with CONFLICT', async () => {
      const answer = await graphql(
        subject.app,
        CREATE_ORG,
        { slug: 'acme', name: 'Again' },
        OPERATOR_KEY,
      );
      expect(onlyError(answer, 'CONFLICT').message).toContain('"acme"');
      expect(answer.data).toEqual({ createOrg: null });
    });

    it('refuses a slug that is not an RFC 1123 label with BAD_USER_INPUT naming slug', async () => {
      const answer = await graphql(
        subject.app,
        CREATE_ORG,
        { slug: 'Not_A_Label', name: 'x' },
        OPERATOR_KEY,
      );
      expect(onlyError(answer, 'BAD_USER_INPUT').extensions.errors).toEqual([
        { field: 'slug', message: expect.stringContaining('RFC 1123') },
      ]);
    });

    it('refuses an organisation key with FORBIDDEN', async () => {
      const answer = await ask(CREATE_ORG, { slug: 'initech', name: 'Initech' });
      onlyError(answer, 'FORBIDDEN');
    });
  });

  describe('createReservation and deleteReservation', () => {
    it('reserves a block, refuses an overlapping one with CONFLICT, deletes it with true', async () => {
      const input = {
        protocol: 'tcp',
        portStart: 12000,
        portEnd: 12099,
        scope: 'teams',
        purpose: 'payments team',
        owner: 'payments',
      };
      const reservation = await succeed<{ id: number }>(
        subject.app,
        CREATE_RESERVATION,
        { org: acme.slug, input },
        acme.adminKey,
        'createReservation',
      );
      expect(reservation).toMatchObject({ ...input, createdBy: `key ${acme.adminPrefix}` });
      const overlap = await ask(CREATE_RESERVATION, {
        org: acme.slug,
        input: { ...input, portStart: 12050, portEnd: 12150, purpose: 'greedy' },
      });
      expect(onlyError(overlap, 'CONFLICT').extensions.conflict).toEqual(reservation);
      const deleted = await ask(DELETE_RESERVATION, { org: acme.slug, id: reservation.id });
      expect(dataOf(deleted)).toEqual({ deleteReservation: true });
      onlyError(await ask(DELETE_RESERVATION, { org: acme.slug, id: reservation.id }), 'NOT_FOUND');
    });

    it('refuses a block whose start is after its end, and a blank purpose, field by field', async () => {
      const answer = await ask(CREATE_RESERVATION, {
        org: acme.slug,
        input: { protocol: 'tcp', portStart: 13010, portEnd: 13000, purpose: '  ' },
      });
      const fields = (
        onlyError(answer, 'BAD_USER_INPUT').extensions.errors as { field: string }[]
      ).map((problem) => problem.field);
      expect(fields.sort()).toEqual(['portEnd', 'purpose']);
    });
  });

  describe('createApiKey and revokeApiKey', () => {
    it('creates a key shown once, not to be cached, that works with its scopes', async () => {
      const answer = await ask(CREATE_API_KEY, {
        org: acme.slug,
        input: { name: 'ci', scopes: ['read'] },
      });
      expect(answer.headers['cache-control']).toBe('no-store');
      const created = dataOf(answer).createApiKey as {
        key: string;
        apiKey: { name: string; scopes: string[]; prefix: string };
      };
      expect(created.apiKey).toMatchObject({ name: 'ci', scopes: ['read'] });
      expect(created.key).toContain(created.apiKey.prefix);
      dataOf(await graphql(subject.app, '{ org(slug: "acme") { slug } }', {}, created.key));
      const write = await graphql(
        subject.app,
        CREATE_ASSIGNMENT,
        { org: acme.slug, input: { serviceName: 'x', protocol: 'tcp', port: nextPort() } },
        created.key,
      );
      onlyError(write, 'FORBIDDEN');
      // The key list shows it without its secret.
      const keys = dataOf(await ask(`{ org(slug: "acme") { keys ${API_KEY} } }`, {})).org as {
        keys: { prefix: string }[];
      };
      expect(keys.keys.map((key) => key.prefix)).toContain(created.apiKey.prefix);
      expect(JSON.stringify(keys)).not.toContain(created.key);
    });

    it('refuses no scopes, an expiry in the past and a 101-character name, field by field', async () => {
      const answer = await ask(CREATE_API_KEY, {
        org: acme.slug,
        input: { scopes: [], name: 'n'.repeat(101) },
      });
      const fields = (
        onlyError(answer, 'BAD_USER_INPUT').extensions.errors as { field: string }[]
      ).map((problem) => problem.field);
      expect(fields.sort()).toEqual(['name', 'scopes']);
      const past = await ask(CREATE_API_KEY, {
        org: acme.slug,
        input: { scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' },
      });
      expect(onlyError(past, 'BAD_USER_INPUT').extensions.errors).toEqual([
        { field: 'expiresAt', message: 'must be a date-time in the future' },
      ]);
    });

    it('revokes a key: answered with revokedAt, then the key is UNAUTHENTICATED', async () => {
      const created = await succeed<{ key: string; apiKey: { id: number } }>(
        subject.app,
        CREATE_API_KEY,
        { org: acme.slug, input: { scopes: ['write'] } },
        acme.adminKey,
        'createApiKey',
      );
      const revoked = await succeed<{ id: number; revokedAt: string | null }>(
        subject.app,
        REVOKE_API_KEY,
        { org: acme.slug, id: created.apiKey.id },
        acme.adminKey,
        'revokeApiKey',
      );
      expect(revoked.id).toBe(created.apiKey.id);
      expect(revoked.revokedAt).toEqual(expect.any(String));
      const refused = await graphql(subject.app, '{ org(slug: "acme") { slug } }', {}, created.key);
      expect(onlyError(refused, 'UNAUTHENTICATED').message).toBe('the API key has been revoked');
      // Revoking again answers the same revoked key.
      const again = await ask(REVOKE_API_KEY, { org: acme.slug, id: created.apiKey.id });
      expect(dataOf(again).revokeApiKey).toEqual(revoked);
    });

    it('answers NOT_FOUND for a key of no such id', async () => {
      onlyError(await ask(REVOKE_API_KEY, { org: acme.slug, id: 987_654 }), 'NOT_FOUND');
    });
  });

  it('answers a reservation through org(slug) { reservation(id) }', async () => {
    const reservation = await createReservation(subject.app, acme, {
      protocol: 'udp',
      portStart: 14000,
      portEnd: 14009,
      purpose: 'read back',
    });
    const data = dataOf(
      await ask(`query ($id: Int!) { org(slug: "acme") { reservation(id: $id) ${RESERVATION} } }`, {
        id: reservation.id,
      }),
    );
    expect(data.org).toEqual({ reservation });
  });
});
