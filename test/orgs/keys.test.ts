import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import {
  bodyOf,
  call,
  createKey,
  createOrg,
  errorFields,
  OPERATOR_KEY,
  openOrgApp,
  problemOf,
  type CreatedKey,
  type CreatedOrg,
  type KeyView,
  type OrgFixture,
} from './support.js';

const KEY_FORMAT = /^prk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

/** API keys: shown once, stored as a hash, scoped, revocable, expiring (SPEC.md sections 4, 7). */
describe('API keys', () => {
  let subject: TestApp;
  let acme: OrgFixture;

  const listKeys = async (org: OrgFixture = acme): Promise<KeyView[]> => {
    const response = await call(subject.app, 'get', `/v1/orgs/${org.slug}/keys`, {
      key: org.adminKey,
    });
    expect(response.status, response.text).toBe(200);
    return bodyOf<{ items: KeyView[] }>(response).items;
  };
  const keyRow = async (id: number): Promise<Record<string, unknown>> => {
    const result = await subject.database.pool.query<Record<string, unknown>>(
      'SELECT * FROM api_keys WHERE id = $1',
      [id],
    );
    return result.rows[0] ?? {};
  };
  const readOrg = (key: string, slug = acme.slug) =>
    call(subject.app, 'get', `/v1/orgs/${slug}`, { key });

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
  });
  afterAll(async () => subject?.close());

  describe('POST /v1/orgs', () => {
    let created: CreatedOrg;
    let createdHeaders: Record<string, string>;

    beforeAll(async () => {
      const response = await call(subject.app, 'post', '/v1/orgs', {
        key: OPERATOR_KEY,
        body: { slug: 'first-key', name: '  First Key Ltd  ' },
      });
      expect(response.status, response.text).toBe(201);
      created = bodyOf<CreatedOrg>(response);
      createdHeaders = response.headers as Record<string, string>;
    });

    it('answers the organisation and its first admin key, not to be cached', () => {
      expect(created.organization).toMatchObject({ slug: 'first-key', name: 'First Key Ltd' });
      expect(created.key).toMatch(KEY_FORMAT);
      expect(created.apiKey).toMatchObject({
        prefix: KEY_FORMAT.exec(created.key)?.[1],
        scopes: ['admin'],
        revokedAt: null,
        expiresAt: null,
      });
      expect(createdHeaders['cache-control']).toBe('no-store');
    });

    it('lets the first key work at once, with admin scope', async () => {
      expect((await readOrg(created.key, 'first-key')).status).toBe(200);
      const keys = await call(subject.app, 'get', '/v1/orgs/first-key/keys', {
        key: created.key,
      });
      expect(keys.status).toBe(200);
    });

    it('never answers the key again: GET keys shows the prefix only', async () => {
      const response = await call(subject.app, 'get', '/v1/orgs/first-key/keys', {
        key: created.key,
      });
      const items = bodyOf<{ items: Record<string, unknown>[] }>(response).items;
      expect(items).toHaveLength(1);
      expect(items[0]).toEqual({ ...created.apiKey, lastUsedAt: expect.any(String) });
      expect(Object.keys(items[0] ?? {})).not.toContain('key');
      expect(Object.keys(items[0] ?? {})).not.toContain('hash');
      expect(response.text).not.toContain(created.key);
      expect(response.text).not.toContain(created.key.slice(-43));
      const org = await readOrg(created.key, 'first-key');
      expect(org.text).not.toContain(created.key.slice(-43));
    });

    it('stores only a hash: no column of api_keys holds the key or its secret part', async () => {
      const result =
        await subject.database.pool.query<Record<string, unknown>>('SELECT * FROM api_keys');
      expect(result.rows.length).toBeGreaterThanOrEqual(2);
      const secret = created.key.slice(-43);
      for (const row of result.rows) {
        for (const value of Object.values(row)) {
          const text = value instanceof Date ? value.toISOString() : JSON.stringify(value);
          expect(text).not.toContain(created.key);
          expect(text).not.toContain(secret);
        }
      }
      const row = await keyRow(created.apiKey.id);
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.prefix).toBe(created.apiKey.prefix);
    });

    it('refuses a slug that exists (409), a slug that is no RFC 1123 label and a blank name (422)', async () => {
      const again = await call(subject.app, 'post', '/v1/orgs', {
        key: OPERATOR_KEY,
        body: { slug: 'first-key', name: 'Again' },
      });
      expect(again.status).toBe(409);
      for (const slug of ['-acme', 'Acme', 'a_b', '', 'a'.repeat(64)]) {
        const bad = await call(subject.app, 'post', '/v1/orgs', {
          key: OPERATOR_KEY,
          body: { slug, name: 'Bad' },
        });
        expect(bad.status, slug).toBe(422);
        expect(errorFields(bad)).toEqual(['slug']);
      }
      const blank = await call(subject.app, 'post', '/v1/orgs', {
        key: OPERATOR_KEY,
        body: { slug: 'blank-name', name: '   ' },
      });
      expect(blank.status).toBe(422);
      expect(errorFields(blank)).toEqual(['name']);
    });

    it('refuses an unknown field (400) and a wrong operator key (401)', async () => {
      const extra = await call(subject.app, 'post', '/v1/orgs', {
        key: OPERATOR_KEY,
        body: { slug: 'extra', name: 'Extra', plan: 'gold' },
      });
      expect(extra.status).toBe(400);
      const wrong = await call(subject.app, 'post', '/v1/orgs', {
        key: `${OPERATOR_KEY}x`,
        body: { slug: 'wrong', name: 'Wrong' },
      });
      expect(wrong.status).toBe(401);
    });
  });

  describe('POST /v1/orgs/{org}/keys', () => {
    it('answers the new key once; GET keys lists it without the secret', async () => {
      const response = await call(subject.app, 'post', `/v1/orgs/${acme.slug}/keys`, {
        key: acme.adminKey,
        body: { scopes: ['write'], name: 'deploy bot' },
      });
      expect(response.status, response.text).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      const { key, apiKey } = bodyOf<CreatedKey>(response);
      expect(key).toMatch(KEY_FORMAT);
      expect(apiKey).toMatchObject({
        name: 'deploy bot',
        scopes: ['write'],
        prefix: KEY_FORMAT.exec(key)?.[1],
        lastUsedAt: null,
      });
      const listed = (await listKeys()).find((item) => item.id === apiKey.id);
      expect(listed).toEqual(apiKey);
      const row = await keyRow(apiKey.id);
      expect(JSON.stringify(row)).not.toContain(key.slice(-43));
    });

    it('gives every key its own prefix', async () => {
      const keys = await Promise.all(
        Array.from({ length: 5 }, () => createKey(subject.app, acme, { scopes: ['read'] })),
      );
      expect(new Set(keys.map((created) => created.apiKey.prefix)).size).toBe(5);
    });

    it.each([
      ['in the past', '2020-01-01T00:00:00Z'],
      ['right now', new Date().toISOString()],
      ['not a date', 'tomorrow'],
    ])('refuses expiresAt %s with 422', async (_what, expiresAt) => {
      const response = await call(subject.app, 'post', `/v1/orgs/${acme.slug}/keys`, {
        key: acme.adminKey,
        body: { scopes: ['read'], expiresAt },
      });
      expect(response.status, response.text).toBe(422);
      expect(errorFields(response)).toEqual(['expiresAt']);
    });

    it('refuses an unknown scope with 422 and no scope at all with 400', async () => {
      const unknown = await call(subject.app, 'post', `/v1/orgs/${acme.slug}/keys`, {
        key: acme.adminKey,
        body: { scopes: ['superuser'] },
      });
      expect(unknown.status, unknown.text).toBe(422);
      expect(errorFields(unknown)).toEqual(['scopes']);
      const none = await call(subject.app, 'post', `/v1/orgs/${acme.slug}/keys`, {
        key: acme.adminKey,
        body: { scopes: [] },
      });
      expect(none.status).toBe(400);
    });

    it('accepts expiresAt in the future, and the key stops working once it has passed', async () => {
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      const created = await createKey(subject.app, acme, { scopes: ['read'], expiresAt });
      expect(created.apiKey.expiresAt).toBe(expiresAt);
      expect((await readOrg(created.key)).status).toBe(200);
      await subject.database.pool.query(
        `UPDATE api_keys SET expires_at = now() - interval '1 millisecond' WHERE id = $1`,
        [created.apiKey.id],
      );
      const expired = await readOrg(created.key);
      expect(expired.status).toBe(401);
      expect(expired.headers['www-authenticate']).toMatch(/^Bearer .*invalid_token/);
    });
  });

  describe('scopes', () => {
    it('a read key reads but does not write', async () => {
      const { key } = await createKey(subject.app, acme, { scopes: ['read'] });
      const orgUrl = `/v1/orgs/${acme.slug}`;
      expect((await call(subject.app, 'get', orgUrl, { key })).status).toBe(200);
      expect((await call(subject.app, 'get', `${orgUrl}/assignments`, { key })).status).toBe(200);
      expect((await call(subject.app, 'get', `${orgUrl}/reservations`, { key })).status).toBe(200);
      const write = await call(subject.app, 'post', `${orgUrl}/assignments`, {
        key,
        body: { serviceName: 'nope', protocol: 'tcp', port: 7000 },
      });
      expect(write.status).toBe(403);
      expect(problemOf(write).detail).toMatch(/write/);
      const allocate = await call(subject.app, 'post', `${orgUrl}/allocations`, {
        key,
        body: { serviceName: 'nope', protocol: 'tcp' },
      });
      expect(allocate.status).toBe(403);
      expect((await call(subject.app, 'get', `${orgUrl}/keys`, { key })).status).toBe(403);
    });

    it('a write key writes but does not manage keys or read the audit log', async () => {
      const { key } = await createKey(subject.app, acme, { scopes: ['write'] });
      const orgUrl = `/v1/orgs/${acme.slug}`;
      const write = await call(subject.app, 'post', `${orgUrl}/assignments`, {
        key,
        body: { serviceName: 'yes', protocol: 'tcp', port: 7001 },
      });
      expect(write.status, write.text).toBe(201);
      expect((await call(subject.app, 'get', `${orgUrl}/audit`, { key })).status).toBe(403);
      const newKey = await call(subject.app, 'post', `${orgUrl}/keys`, {
        key,
        body: { scopes: ['admin'] },
      });
      expect(newKey.status).toBe(403);
    });
  });

  describe('revocation', () => {
    it('takes effect at once: the next request is 401', async () => {
      const created = await createKey(subject.app, acme, { scopes: ['admin'], name: 'leaked' });
      expect((await readOrg(created.key)).status).toBe(200);
      const revoked = await call(
        subject.app,
        'delete',
        `/v1/orgs/${acme.slug}/keys/${created.apiKey.id}`,
        { key: acme.adminKey },
      );
      expect(revoked.status, revoked.text).toBe(200);
      expect(bodyOf<KeyView>(revoked).revokedAt).toEqual(expect.any(String));
      const next = await readOrg(created.key);
      expect(next.status).toBe(401);
      expect(next.headers['www-authenticate']).toMatch(/^Bearer /);
      const listed = (await listKeys()).find((item) => item.id === created.apiKey.id);
      expect(listed?.revokedAt).toBe(bodyOf<KeyView>(revoked).revokedAt);
    });

    it('a key may revoke itself', async () => {
      const created = await createKey(subject.app, acme, { scopes: ['admin'] });
      const self = await call(
        subject.app,
        'delete',
        `/v1/orgs/${acme.slug}/keys/${created.apiKey.id}`,
        { key: created.key },
      );
      expect(self.status).toBe(200);
      expect((await readOrg(created.key)).status).toBe(401);
    });

    it("answers 404 for an unknown key id and for another organisation's key", async () => {
      const beta = await createOrg(subject.app, 'beta');
      const unknown = await call(subject.app, 'delete', `/v1/orgs/${acme.slug}/keys/999999`, {
        key: acme.adminKey,
      });
      expect(unknown.status).toBe(404);
      const foreign = await call(
        subject.app,
        'delete',
        `/v1/orgs/${acme.slug}/keys/${beta.adminKeyId}`,
        { key: acme.adminKey },
      );
      expect(foreign.status).toBe(404);
      expect((await readOrg(beta.adminKey, 'beta')).status).toBe(200);
    });
  });

  describe('last use', () => {
    it('is recorded after a request', async () => {
      const created = await createKey(subject.app, acme, { scopes: ['read'] });
      expect(created.apiKey.lastUsedAt).toBeNull();
      expect((await keyRow(created.apiKey.id)).last_used_at).toBeNull();
      const before = Date.now();
      expect((await readOrg(created.key)).status).toBe(200);
      const used = (await keyRow(created.apiKey.id)).last_used_at;
      expect(used).toBeInstanceOf(Date);
      expect((used as Date).getTime()).toBeGreaterThanOrEqual(before - 1_000);
      const listed = (await listKeys()).find((item) => item.id === created.apiKey.id);
      expect(listed?.lastUsedAt).toBe((used as Date).toISOString());
    });

    it('is not recorded for a refused (revoked) key', async () => {
      const created = await createKey(subject.app, acme, { scopes: ['read'] });
      await call(subject.app, 'delete', `/v1/orgs/${acme.slug}/keys/${created.apiKey.id}`, {
        key: acme.adminKey,
      });
      expect((await readOrg(created.key)).status).toBe(401);
      expect((await keyRow(created.apiKey.id)).last_used_at).toBeNull();
    });
  });

  describe('the Authorization header', () => {
    it('accepts the scheme in any case (RFC 9110 11.1)', async () => {
      const response = await request(subject.app.server)
        .get(`/v1/orgs/${acme.slug}`)
        .set('authorization', `bearer ${acme.adminKey}`);
      expect(response.status).toBe(200);
    });

    it('refuses another scheme with 401 and a Bearer challenge', async () => {
      const response = await request(subject.app.server)
        .get(`/v1/orgs/${acme.slug}`)
        .set('authorization', `Basic ${Buffer.from('acme:secret').toString('base64')}`);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
    });

    it('refuses a key with a valid prefix and a wrong secret', async () => {
      const forged = acme.adminKey.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
      expect((await readOrg(forged)).status).toBe(401);
    });
  });
});
