import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import {
  allPages,
  bodyOf,
  call,
  createAssignment,
  createOrg,
  createReservation,
  errorFields,
  openOrgApp,
  problemOf,
  warningCodes,
  warningOf,
  type AssignmentResult,
  type AssignmentView,
  type OrgFixture,
  type Page,
  type Response,
} from './support.js';

/** The rules for an organisation's assignments (SPEC.md section 5), through HTTP. */
describe('assignments', () => {
  let subject: TestApp;
  let acme: OrgFixture;
  let beta: OrgFixture;

  const post = (org: OrgFixture, body: object) =>
    call(subject.app, 'post', `/v1/orgs/${org.slug}/assignments`, { key: org.adminKey, body });
  const get = (url: string, org: OrgFixture = acme) =>
    call(subject.app, 'get', `/v1/orgs/${org.slug}${url}`, { key: org.adminKey });
  const patch = (id: number, body: object, ifMatch?: string) =>
    call(subject.app, 'patch', `/v1/orgs/${acme.slug}/assignments/${id}`, {
      key: acme.adminKey,
      body,
      headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
    });
  const remove = (id: number, ifMatch?: string) =>
    call(subject.app, 'delete', `/v1/orgs/${acme.slug}/assignments/${id}`, {
      key: acme.adminKey,
      headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
    });

  function expectProblem(response: Response, status: number): void {
    expect(response.status, response.text).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemOf(response)).toMatchObject({ status, title: expect.any(String) });
  }

  beforeAll(async () => {
    subject = await openOrgApp();
    acme = await createOrg(subject.app, 'acme');
    beta = await createOrg(subject.app, 'beta');
  });
  afterAll(async () => subject?.close());

  describe('422 with field errors', () => {
    it.each([
      ['16 characters', 'abcdefghijklmnop'],
      ['a leading hyphen', '-a'],
      ['two hyphens in a row', 'a--b'],
      ['characters outside letters, digits and hyphens', 'whois++'],
      ['no letter', '123'],
      ['an empty name', ''],
    ])('refuses a service name with %s (%j)', async (_why, serviceName) => {
      const response = await post(acme, { serviceName, protocol: 'tcp', port: 7001 });
      expectProblem(response, 422);
      expect(errorFields(response)).toEqual(['serviceName']);
      expect(problemOf(response).errors?.[0]?.message).toMatch(/RFC 6335/);
    });

    it('accepts a 15-character name', async () => {
      const response = await post(acme, {
        serviceName: 'abcdefghijklmno',
        protocol: 'tcp',
        port: 7002,
        scope: 'names',
      });
      expect(response.status, response.text).toBe(201);
    });

    it.each([-1, 65536, 1.5])('refuses port %s', async (port) => {
      const response = await post(acme, { serviceName: 'billing', protocol: 'tcp', port });
      expectProblem(response, 422);
      const fields = errorFields(response);
      expect(fields.length).toBeGreaterThan(0);
      for (const field of fields) expect(field).toMatch(/^port/);
    });

    it.each([
      ['portStart', { portStart: 70000, portEnd: 70001 }],
      ['portEnd', { portStart: 7003, portEnd: 65536 }],
    ])('names %s when it is out of range', async (field, ports) => {
      const response = await post(acme, { serviceName: 'billing', protocol: 'tcp', ...ports });
      expectProblem(response, 422);
      expect(errorFields(response)).toContain(field);
    });

    it('refuses a start after the end', async () => {
      const response = await post(acme, {
        serviceName: 'billing',
        protocol: 'tcp',
        portStart: 7010,
        portEnd: 7005,
      });
      expectProblem(response, 422);
      expect(errorFields(response)).toEqual(['portEnd']);
    });

    it('refuses port together with portStart', async () => {
      const response = await post(acme, {
        serviceName: 'billing',
        protocol: 'tcp',
        port: 7011,
        portStart: 7011,
      });
      expectProblem(response, 422);
      expect(errorFields(response)).toContain('port');
    });

    it.each(['icmp', 'TCP', ''])('refuses protocol %j', async (protocol) => {
      const response = await post(acme, { serviceName: 'billing', protocol, port: 7012 });
      expectProblem(response, 422);
      expect(errorFields(response)).toEqual(['protocol']);
    });

    it('reports every broken field at once', async () => {
      const response = await post(acme, { serviceName: 'a--b', protocol: 'icmp', port: -1 });
      expectProblem(response, 422);
      expect(errorFields(response)).toEqual(
        expect.arrayContaining(['serviceName', 'protocol', 'port']),
      );
    });

    it('refuses the dynamic range 49152-65535 without allowDynamic (RFC 6335 8.1.2)', async () => {
      const response = await post(acme, { serviceName: 'billing', protocol: 'tcp', port: 50000 });
      expectProblem(response, 422);
      // The client sent `port`, so the error names `port`.
      expect(errorFields(response)).toEqual(['port']);
      expect(problemOf(response).errors?.[0]?.message).toMatch(/dynamic/);
    });

    it('refuses a range that ends in the dynamic range', async () => {
      const response = await post(acme, {
        serviceName: 'billing',
        protocol: 'tcp',
        portStart: 49150,
        portEnd: 49152,
      });
      expectProblem(response, 422);
    });

    it('accepts 50000 with allowDynamic, warning about every ephemeral range', async () => {
      const response = await post(acme, {
        serviceName: 'billing',
        protocol: 'tcp',
        port: 50000,
        allowDynamic: true,
      });
      expect(response.status, response.text).toBe(201);
      const message = warningOf(response, 'ephemeral-overlap')?.message ?? '';
      for (const system of ['Linux', 'Windows', 'macOS', 'FreeBSD']) {
        expect(message).toContain(system);
      }
    });

    it('creates nothing for a refused assignment', async () => {
      await post(acme, { serviceName: 'ghost', protocol: 'icmp', port: 7013 });
      const list = await get('/assignments?service=ghost');
      expect(bodyOf<Page<AssignmentView>>(list).items).toEqual([]);
    });
  });

  describe('400 for a malformed body', () => {
    it('refuses a port given as a string', async () => {
      const response = await post(acme, { serviceName: 'billing', protocol: 'tcp', port: '8080' });
      expectProblem(response, 400);
      expect(errorFields(response)).toEqual(['port']);
    });

    it('refuses an unknown body field, naming it', async () => {
      const response = await post(acme, {
        serviceName: 'billing',
        protocol: 'tcp',
        port: 7020,
        colour: 'red',
      });
      expectProblem(response, 400);
      expect(problemOf(response).errors).toEqual([
        { field: 'colour', message: expect.stringContaining('colour') },
      ]);
    });

    it('refuses a missing service name', async () => {
      const response = await post(acme, { protocol: 'tcp', port: 7021 });
      expectProblem(response, 400);
      expect(errorFields(response)).toEqual(['serviceName']);
    });

    it('refuses a body that is not JSON', async () => {
      const response = await request(subject.app.server)
        .post(`/v1/orgs/${acme.slug}/assignments`)
        .set('authorization', `Bearer ${acme.adminKey}`)
        .set('content-type', 'application/json')
        .send('{"serviceName": ');
      expectProblem(response, 400);
    });

    it('refuses an unknown field on PATCH', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'patchme',
        protocol: 'tcp',
        port: 7022,
      });
      const response = await patch(created.id, { colour: 'red' });
      expectProblem(response, 400);
    });
  });

  describe('201 with warnings', () => {
    it('warns that IANA assigns 143/tcp to imap', async () => {
      const response = await post(acme, {
        serviceName: 'billing',
        protocol: 'tcp',
        port: 143,
        scope: 'warnings',
      });
      expect(response.status, response.text).toBe(201);
      expect(warningOf(response, 'iana-assigned')?.message).toContain('imap');
      // 143/udp is only reserved: no IANA assignment there.
      const udp = await post(acme, {
        serviceName: 'billing',
        protocol: 'udp',
        port: 143,
        scope: 'warnings',
      });
      expect(udp.status, udp.text).toBe(201);
      expect(warningCodes(udp)).not.toContain('iana-assigned');
    });

    it('warns that IANA assigns 80/tcp to http for another service', async () => {
      const response = await post(acme, {
        serviceName: 'billing',
        protocol: 'tcp',
        port: 80,
        scope: 'warnings-80',
      });
      expect(response.status, response.text).toBe(201);
      expect(warningOf(response, 'iana-assigned')?.message).toContain('http');
      expect(warningCodes(response)).toContain('privileged');
    });

    it('does not warn iana-assigned when the service is the one IANA assigns (imap on 143)', async () => {
      const response = await post(acme, {
        serviceName: 'IMAP',
        protocol: 'tcp',
        port: 143,
        scope: 'own-name',
      });
      expect(response.status, response.text).toBe(201);
      expect(warningCodes(response)).not.toContain('iana-assigned');
    });

    it('does not warn iana-assigned for http on 80/tcp, where www is only its duplicate', async () => {
      const response = await post(acme, {
        serviceName: 'http',
        protocol: 'tcp',
        port: 80,
        scope: 'own-name',
      });
      expect(response.status, response.text).toBe(201);
      expect(warningCodes(response)).toContain('privileged');
      // The fixture marks www as "a duplicate of the http service": not another service.
      expect(warningOf(response, 'iana-assigned')).toBeUndefined();
    });

    it('warns of the Linux and FreeBSD ephemeral ranges for 40000, and of no other', async () => {
      const response = await post(acme, { serviceName: 'billing', protocol: 'tcp', port: 40000 });
      expect(response.status, response.text).toBe(201);
      const message = warningOf(response, 'ephemeral-overlap')?.message ?? '';
      expect(message).toContain('Linux');
      expect(message).toContain('FreeBSD');
      expect(message).not.toMatch(/Windows|macOS/);
      expect(warningCodes(response)).not.toContain('privileged');
    });

    it('warns that 80 is privileged, and that 8080 is not', async () => {
      const [low, high] = await Promise.all([
        post(acme, { serviceName: 'gateway', protocol: 'tcp', port: 80, scope: 'priv' }),
        post(acme, { serviceName: 'gateway', protocol: 'tcp', port: 8080, scope: 'priv' }),
      ]);
      expect(low.status, low.text).toBe(201);
      expect(warningCodes(low)).toContain('privileged');
      expect(high.status, high.text).toBe(201);
      expect(warningCodes(high)).toEqual([]);
    });

    it.each([6000, 10080])('warns browser-blocked for an HTTP-looking name on %i', async (port) => {
      const response = await post(acme, {
        serviceName: 'web',
        protocol: 'tcp',
        port,
        scope: 'browser',
      });
      expect(response.status, response.text).toBe(201);
      expect(warningOf(response, 'browser-blocked')?.message).toContain(String(port));
    });

    it('does not warn browser-blocked for a name that does not look like HTTP (x11 on 6000)', async () => {
      const response = await post(acme, {
        serviceName: 'x11',
        protocol: 'tcp',
        port: 6000,
        scope: 'browser-x11',
      });
      expect(response.status, response.text).toBe(201);
      expect(warningCodes(response)).not.toContain('browser-blocked');
    });

    it('warns kubernetes-nodeport for 30080', async () => {
      const response = await post(acme, { serviceName: 'billing', protocol: 'tcp', port: 30080 });
      expect(response.status, response.text).toBe(201);
      expect(warningOf(response, 'kubernetes-nodeport')?.message).toContain('30000-32767');
      expect(warningCodes(response)).toEqual(
        expect.arrayContaining(['kubernetes-nodeport', 'ephemeral-overlap']),
      );
    });

    it('sends the assignment and an ETag along with the warnings', async () => {
      const response = await post(acme, {
        serviceName: 'Billing-API',
        protocol: 'tcp',
        port: 7030,
        scope: 'prod',
        description: 'the billing API',
        owner: 'payments',
        tags: ['pci', 'tier-1'],
      });
      expect(response.status, response.text).toBe(201);
      const { assignment, warnings } = bodyOf<AssignmentResult>(response);
      expect(assignment).toMatchObject({
        serviceName: 'Billing-API',
        protocol: 'tcp',
        portStart: 7030,
        portEnd: 7030,
        scope: 'prod',
        description: 'the billing API',
        owner: 'payments',
        tags: ['pci', 'tier-1'],
        version: 1,
        createdBy: `key ${acme.adminPrefix}`,
      });
      expect(warnings).toEqual([]);
      expect(response.headers.etag).toBe(`"${assignment.id}-1"`);
    });

    it("uses the scope 'default' when none is given", async () => {
      const assignment = await createAssignment(subject.app, acme, {
        serviceName: 'scopeless',
        protocol: 'tcp',
        port: 7031,
      });
      expect(assignment.scope).toBe('default');
    });
  });

  describe('409 on overlap', () => {
    let holder: AssignmentView;

    beforeAll(async () => {
      holder = await createAssignment(subject.app, acme, {
        serviceName: 'ranged',
        protocol: 'tcp',
        portStart: 9000,
        portEnd: 9010,
        scope: 'overlap',
      });
    });

    it.each([
      ['one port inside', { port: 9005 }],
      ['the first port', { port: 9000 }],
      ['the last port (bounds are inclusive)', { port: 9010 }],
      ['a range over the start', { portStart: 8990, portEnd: 9000 }],
      ['a range around it', { portStart: 8000, portEnd: 9999 }],
    ])('refuses %s, naming the holder in `conflict`', async (_what, ports) => {
      const response = await post(acme, {
        serviceName: 'intruder',
        protocol: 'tcp',
        scope: 'overlap',
        ...ports,
      });
      expectProblem(response, 409);
      expect(problemOf(response).conflict).toEqual(holder);
    });

    it('accepts the port next to the range', async () => {
      const response = await post(acme, {
        serviceName: 'neighbour',
        protocol: 'tcp',
        port: 9011,
        scope: 'overlap',
      });
      expect(response.status, response.text).toBe(201);
    });

    it('accepts the same ports in another scope', async () => {
      const response = await post(acme, {
        serviceName: 'ranged',
        protocol: 'tcp',
        portStart: 9000,
        portEnd: 9010,
        scope: 'overlap-elsewhere',
      });
      expect(response.status, response.text).toBe(201);
    });

    it('accepts the same ports for another protocol', async () => {
      const response = await post(acme, {
        serviceName: 'ranged',
        protocol: 'udp',
        portStart: 9000,
        portEnd: 9010,
        scope: 'overlap',
      });
      expect(response.status, response.text).toBe(201);
    });

    it('accepts the same ports in another organisation', async () => {
      const response = await post(beta, {
        serviceName: 'ranged',
        protocol: 'tcp',
        portStart: 9000,
        portEnd: 9010,
        scope: 'overlap',
      });
      expect(response.status, response.text).toBe(201);
    });

    it('treats scopes as exact text (prod and Prod differ)', async () => {
      const response = await post(acme, {
        serviceName: 'ranged',
        protocol: 'tcp',
        port: 9005,
        scope: 'Overlap',
      });
      expect(response.status, response.text).toBe(201);
    });
  });

  describe('GET and list', () => {
    let list: OrgFixture;
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      list = await createOrg(subject.app, 'lister');
      const rows: [string, Record<string, unknown>][] = [
        ['apiProdTcp', { serviceName: 'api', protocol: 'tcp', port: 8001, scope: 'prod' }],
        ['apiProdUdp', { serviceName: 'api', protocol: 'udp', port: 8001, scope: 'prod' }],
        ['dbProd', { serviceName: 'db', protocol: 'tcp', port: 8002, scope: 'prod' }],
        ['apiStaging', { serviceName: 'API', protocol: 'tcp', port: 8001, scope: 'staging' }],
        [
          'cacheProd',
          { serviceName: 'cache', protocol: 'tcp', portStart: 8100, portEnd: 8110, scope: 'prod' },
        ],
      ];
      // One after the other, so that ids follow the order above.
      for (const [name, body] of rows) {
        ids[name] = (await createAssignment(subject.app, list, body)).id;
      }
    });

    const idsOf = async (query: string): Promise<number[]> => {
      const response = await get(`/assignments${query}`, list);
      expect(response.status, response.text).toBe(200);
      return bodyOf<Page<AssignmentView>>(response).items.map((item) => item.id);
    };
    const named = (...names: string[]) => names.map((name) => ids[name]);

    it('lists every assignment of the organisation, oldest first', async () => {
      expect(await idsOf('')).toEqual(
        named('apiProdTcp', 'apiProdUdp', 'dbProd', 'apiStaging', 'cacheProd'),
      );
    });

    it.each([
      ['?scope=prod', ['apiProdTcp', 'apiProdUdp', 'dbProd', 'cacheProd']],
      ['?scope=staging', ['apiStaging']],
      ['?scope=nowhere', []],
      ['?protocol=udp', ['apiProdUdp']],
      ['?port=8105', ['cacheProd']],
      ['?port=8110', ['cacheProd']],
      ['?port=8111', []],
      ['?port=8001', ['apiProdTcp', 'apiProdUdp', 'apiStaging']],
      ['?service=api', ['apiProdTcp', 'apiProdUdp', 'apiStaging']],
      ['?service=Api', ['apiProdTcp', 'apiProdUdp', 'apiStaging']],
      ['?scope=prod&protocol=tcp&port=8001', ['apiProdTcp']],
      ['?service=db&scope=staging', []],
    ])('filters %s', async (query, expected) => {
      expect(await idsOf(query)).toEqual(named(...expected));
    });

    it('pages with a cursor: limit 2 gives 2, 2 and 1, then nextCursor null', async () => {
      const { pages, items } = await allPages<AssignmentView>(
        subject.app,
        `/v1/orgs/${list.slug}/assignments?limit=2`,
        list.adminKey,
      );
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(items.map((item) => item.id)).toEqual(await idsOf(''));
    });

    it('keeps the filter across pages', async () => {
      const { items } = await allPages<AssignmentView>(
        subject.app,
        `/v1/orgs/${list.slug}/assignments?limit=1&scope=prod&protocol=tcp`,
        list.adminKey,
      );
      expect(items.map((item) => item.id)).toEqual(named('apiProdTcp', 'dbProd', 'cacheProd'));
    });

    it('answers nextCursor null when everything fits', async () => {
      const response = await get('/assignments?limit=500', list);
      expect(bodyOf<Page<AssignmentView>>(response).nextCursor).toBeNull();
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=abc', 'limit'],
      ['port=65536', 'port'],
      ['port=-1', 'port'],
      ['protocol=icmp', 'protocol'],
      ['cursor=not-a-cursor', 'cursor'],
      ['colour=red', 'colour'],
    ])('refuses %s with 400', async (query, field) => {
      const response = await get(`/assignments?${query}`, list);
      expectProblem(response, 400);
      expect(errorFields(response).join(' ')).toContain(field);
    });

    it('answers one assignment with its ETag', async () => {
      const id = ids.dbProd as number;
      const response = await get(`/assignments/${id}`, list);
      expect(response.status).toBe(200);
      expect(bodyOf<AssignmentView>(response)).toMatchObject({ id, serviceName: 'db' });
      expect(response.headers.etag).toBe(`"${id}-1"`);
    });

    it("answers 404 for an id of another organisation's assignment", async () => {
      const response = await get(`/assignments/${ids.dbProd}`, acme);
      expectProblem(response, 404);
    });

    it('answers 404 for an unknown id and 400 for a non-numeric one', async () => {
      expectProblem(await get('/assignments/999999', list), 404);
      expectProblem(await get('/assignments/abc', list), 400);
    });
  });

  describe('PATCH and DELETE with If-Match', () => {
    it('PATCH with the current ETag answers 200 and a new ETag; the old one is then stale (412)', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'etagged',
        protocol: 'tcp',
        port: 9200,
        scope: 'etag',
      });
      const read = await get(`/assignments/${created.id}`);
      const etag = read.headers.etag as string;
      expect(etag).toBe(`"${created.id}-1"`);

      const changed = await patch(created.id, { description: 'v2', port: 9201 }, etag);
      expect(changed.status, changed.text).toBe(200);
      expect(changed.headers.etag).toBe(`"${created.id}-2"`);
      expect(bodyOf<AssignmentResult>(changed).assignment).toMatchObject({
        id: created.id,
        version: 2,
        description: 'v2',
        portStart: 9201,
        portEnd: 9201,
        serviceName: 'etagged',
      });

      const stale = await patch(created.id, { description: 'v3' }, etag);
      expectProblem(stale, 412);
      const after = await get(`/assignments/${created.id}`);
      expect(bodyOf<AssignmentView>(after)).toMatchObject({ version: 2, description: 'v2' });
      expect(after.headers.etag).toBe(`"${created.id}-2"`);
    });

    it('PATCH without If-Match applies to the current version', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'unguarded',
        protocol: 'tcp',
        port: 9210,
        scope: 'etag',
      });
      const response = await patch(created.id, { owner: 'team-b' });
      expect(response.status, response.text).toBe(200);
      expect(bodyOf<AssignmentResult>(response).assignment).toMatchObject({
        owner: 'team-b',
        version: 2,
      });
    });

    it('PATCH with If-Match: * applies to the current version (RFC 9110 13.1.1)', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'starred',
        protocol: 'tcp',
        port: 9215,
        scope: 'etag',
      });
      const response = await patch(created.id, { owner: 'team-c' }, '*');
      expect(response.status, response.text).toBe(200);
    });

    it("PATCH with another assignment's ETag answers 412", async () => {
      const [first, second] = await Promise.all([
        createAssignment(subject.app, acme, {
          serviceName: 'first',
          protocol: 'tcp',
          port: 9220,
          scope: 'etag',
        }),
        createAssignment(subject.app, acme, {
          serviceName: 'second',
          protocol: 'tcp',
          port: 9221,
          scope: 'etag',
        }),
      ]);
      expectProblem(await patch(first.id, { owner: 'x' }, `"${second.id}-1"`), 412);
    });

    it('PATCH into an overlap answers 409 naming the holder, and changes nothing', async () => {
      const [mine, theirs] = await Promise.all([
        createAssignment(subject.app, acme, {
          serviceName: 'mover',
          protocol: 'tcp',
          port: 9300,
          scope: 'etag',
        }),
        createAssignment(subject.app, acme, {
          serviceName: 'sitter',
          protocol: 'tcp',
          portStart: 9310,
          portEnd: 9320,
          scope: 'etag',
        }),
      ]);
      const response = await patch(mine.id, { port: 9315 }, `"${mine.id}-1"`);
      expectProblem(response, 409);
      expect(problemOf(response).conflict).toEqual(theirs);
      const after = await get(`/assignments/${mine.id}`);
      expect(bodyOf<AssignmentView>(after)).toMatchObject({ portStart: 9300, version: 1 });
    });

    it('PATCH that keeps its own ports does not conflict with itself', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'selfish',
        protocol: 'tcp',
        portStart: 9330,
        portEnd: 9339,
        scope: 'etag',
      });
      const response = await patch(created.id, { portStart: 9331, portEnd: 9339 });
      expect(response.status, response.text).toBe(200);
    });

    it('PATCH clears description and owner with "" and tags with [], and keeps what it leaves out', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'cleared',
        protocol: 'tcp',
        port: 9350,
        scope: 'etag',
        description: 'billing front end',
        owner: 'payments',
        tags: ['pci'],
      });
      const cleared = await patch(created.id, { description: '', tags: [] });
      expect(cleared.status, cleared.text).toBe(200);
      expect(bodyOf<AssignmentResult>(cleared).assignment).toMatchObject({
        description: null,
        owner: 'payments',
        tags: [],
      });
      const blank = await patch(created.id, { owner: '   ' });
      expect(blank.status, blank.text).toBe(200);
      const after = await get(`/assignments/${created.id}`);
      expect(bodyOf<AssignmentView>(after)).toMatchObject({
        description: null,
        owner: null,
        tags: [],
        portStart: 9350,
        version: 3,
      });
    });

    it('a reservation with a blank owner stores none, as an assignment does', async () => {
      const reservation = await createReservation(subject.app, acme, {
        protocol: 'tcp',
        portStart: 9360,
        portEnd: 9369,
        scope: 'etag',
        purpose: 'blank owner',
        owner: '  ',
      });
      expect(reservation.owner).toBeNull();
    });

    it('PATCH of portStart alone keeps portEnd', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'widen',
        protocol: 'tcp',
        portStart: 9400,
        portEnd: 9410,
        scope: 'etag',
      });
      const response = await patch(created.id, { portStart: 9402 });
      expect(response.status, response.text).toBe(200);
      expect(bodyOf<AssignmentResult>(response).assignment).toMatchObject({
        portStart: 9402,
        portEnd: 9410,
      });
    });

    it('PATCH breaking a rule answers 422 and changes nothing', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'ruled',
        protocol: 'tcp',
        port: 9500,
        scope: 'etag',
      });
      const response = await patch(created.id, { serviceName: 'a--b', protocol: 'icmp' });
      expectProblem(response, 422);
      expect(errorFields(response)).toEqual(expect.arrayContaining(['serviceName', 'protocol']));
      const after = await get(`/assignments/${created.id}`);
      expect(bodyOf<AssignmentView>(after)).toMatchObject({ serviceName: 'ruled', version: 1 });
    });

    it('PATCH of the description of an assignment made with allowDynamic needs no new override', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'dynamic',
        protocol: 'tcp',
        port: 50010,
        scope: 'etag',
        allowDynamic: true,
      });
      const response = await patch(created.id, { description: 'still on 50010' });
      expect(response.status, response.text).toBe(200);
    });

    it('PATCH answers warnings for the new ports', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'warned',
        protocol: 'tcp',
        port: 9600,
        scope: 'etag',
      });
      const response = await patch(created.id, { port: 30100 });
      expect(response.status, response.text).toBe(200);
      expect(warningCodes(response)).toContain('kubernetes-nodeport');
    });

    it('PATCH of an unknown assignment answers 404', async () => {
      expectProblem(await patch(999999, { owner: 'nobody' }), 404);
    });

    it('DELETE with a stale If-Match answers 412; with the current one 204, then GET 404', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'doomed',
        protocol: 'tcp',
        port: 9700,
        scope: 'etag',
      });
      const changed = await patch(created.id, { description: 'v2' });
      const current = changed.headers.etag as string;
      expect(current).toBe(`"${created.id}-2"`);

      expectProblem(await remove(created.id, `"${created.id}-1"`), 412);
      expect((await get(`/assignments/${created.id}`)).status).toBe(200);

      const deleted = await remove(created.id, current);
      expect(deleted.status, deleted.text).toBe(204);
      expect(deleted.text).toBe('');
      expectProblem(await get(`/assignments/${created.id}`), 404);
      expectProblem(await remove(created.id, current), 404);
    });

    it('DELETE without If-Match deletes, and frees the port for a new assignment', async () => {
      const created = await createAssignment(subject.app, acme, {
        serviceName: 'freed',
        protocol: 'tcp',
        port: 9710,
        scope: 'etag',
      });
      expect((await remove(created.id)).status).toBe(204);
      const again = await post(acme, {
        serviceName: 'successor',
        protocol: 'tcp',
        port: 9710,
        scope: 'etag',
      });
      expect(again.status, again.text).toBe(201);
    });
  });
});
