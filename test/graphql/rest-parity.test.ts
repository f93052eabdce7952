import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssignment, createOrg, OPERATOR_KEY, type OrgFixture } from '../orgs/support.js';
import type { TestApp } from '../support/app.js';
import { HAS_SNAPSHOT, SNAPSHOT_NOTE, SNAPSHOT_PATH } from '../support/snapshot.js';
import { graphql } from './graphql-app.js';
import { openTestApp } from '../support/app.js';
import { selectAll } from './selection.js';

/**
 * REST and GraphQL answer from the same code: for the same question, the GraphQL answer selecting
 * every field (but the GraphQL-only nested reports) equals the REST JSON, key for key. A field
 * added to one face and not the other fails here.
 */
describe.skipIf(!HAS_SNAPSHOT)(`REST and GraphQL give the same answers${SNAPSHOT_NOTE}`, () => {
  let subject: TestApp;

  async function rest(url: string, key?: string): Promise<unknown> {
    let get = request(subject.app.server).get(url);
    if (key !== undefined) get = get.set('authorization', `Bearer ${key}`);
    const response = await get;
    expect(response.status, `${url}: ${response.text}`).toBe(200);
    return response.body;
  }

  async function answer(
    query: string,
    variables: Record<string, unknown> = {},
    key?: string,
  ): Promise<Record<string, unknown>> {
    const result = await graphql(subject.app, query, variables, key);
    expect(result.errors, query).toEqual([]);
    return result.data;
  }

  beforeAll(async () => {
    subject = await openTestApp({ syncFrom: SNAPSHOT_PATH, adminApiKey: OPERATOR_KEY });
  });
  afterAll(async () => subject?.close());

  const PORTS = [
    0, 7, 22, 23, 53, 80, 143, 443, 3306, 5432, 6000, 8080, 30000, 40000, 50000, 65535,
  ];

  it.each(PORTS)('port %i: PortReport and classification', async (port) => {
    const data = await answer(
      `query ($port: Int!) { port(number: $port) ${selectAll('PortReport')} classify(port: $port) ${selectAll('Classification')} }`,
      { port },
    );
    expect(data.port).toEqual(await rest(`/v1/ports/${port}`));
    expect(data.classify).toEqual(await rest(`/v1/ports/${port}/classification`));
  });

  it.each([
    [53, 'udp'],
    [143, 'udp'],
    [80, 'sctp'],
  ])('port %i over %s', async (port, protocol) => {
    const data = await answer(
      `query ($port: Int!, $protocol: Protocol) { port(number: $port, protocol: $protocol) ${selectAll('PortReport')} }`,
      { port, protocol },
    );
    expect(data.port).toEqual(await rest(`/v1/ports/${port}?protocol=${protocol}`));
  });

  const SERVICES = [
    'http',
    'WWW',
    'www-http',
    'postgresql',
    'domain',
    'whois++',
    'mit-ml-dev',
    'x11',
  ];

  it.each(SERVICES)('service %s: ServiceReport and Resolution', async (name) => {
    const data = await answer(
      `query ($name: String!) { service(name: $name) ${selectAll('ServiceReport')} tcp: service(name: $name, protocol: tcp) ${selectAll('ServiceReport')} resolve(name: $name) ${selectAll('Resolution')} }`,
      { name },
    );
    const encoded = encodeURIComponent(name);
    expect(data.service).toEqual(await rest(`/v1/services/${encoded}`));
    expect(data.tcp).toEqual(await rest(`/v1/services/${encoded}?protocol=tcp`));
    expect(data.resolve).toEqual(await rest(`/v1/resolve/${encoded}`));
  });

  it('search pages, cursor for cursor', async () => {
    const query = `query ($after: String) { services(query: "sql", protocol: tcp, first: 7, after: $after) ${selectAll('ServiceMatchConnection')} }`;
    const first = await answer(query);
    const restFirst = await rest('/v1/services?q=sql&protocol=tcp&limit=7');
    expect(first.services).toEqual(restFirst);
    const cursor = (restFirst as { nextCursor: string }).nextCursor;
    expect(cursor).toEqual(expect.any(String));
    expect((await answer(query, { after: cursor })).services).toEqual(
      await rest(`/v1/services?q=sql&protocol=tcp&limit=7&cursor=${cursor}`),
    );
  });

  it('window pages, cursor for cursor', async () => {
    const query = `query ($after: String) { ports(from: 6000, to: 6100, protocol: tcp, status: assigned, first: 5, after: $after) ${selectAll('EntryConnection')} }`;
    const first = await answer(query);
    const restFirst = await rest(
      '/v1/ports?from=6000&to=6100&protocol=tcp&status=assigned&limit=5',
    );
    expect(first.ports).toEqual(restFirst);
    const cursor = (restFirst as { nextCursor: string }).nextCursor;
    expect((await answer(query, { after: cursor })).ports).toEqual(
      await rest(
        `/v1/ports?from=6000&to=6100&protocol=tcp&status=assigned&limit=5&cursor=${cursor}`,
      ),
    );
    expect((await answer(`{ ports ${selectAll('EntryConnection')} }`)).ports).toEqual(
      await rest('/v1/ports'),
    );
  });

  it('free ports, with defaults and with a window', async () => {
    expect((await answer(`{ freePorts ${selectAll('FreePorts')} }`)).freePorts).toEqual(
      await rest('/v1/free-ports'),
    );
    expect(
      (
        await answer(
          `{ freePorts(from: 5000, to: 6000, protocol: udp, count: 50) ${selectAll('FreePorts')} }`,
        )
      ).freePorts,
    ).toEqual(await rest('/v1/free-ports?from=5000&to=6000&protocol=udp&count=50'));
  });

  it('ranges and the registry summary', async () => {
    const data = await answer(
      `{ ranges ${selectAll('RangesTable')} registry ${selectAll('RegistrySummary')} }`,
    );
    expect(data.ranges).toEqual(await rest('/v1/ranges'));
    expect(data.registry).toEqual(await rest('/v1/registry'));
  });

  it('lookup, item for item (REST leaves out the result or error GraphQL answers as null)', async () => {
    const body = {
      ports: ['443', '53/udp', '80abc', '70000', '6000-6001', '22/tcp', '7/xyz'],
      services: ['postgresql', 'nope-nope', 'WWW'],
    };
    const data = await answer(
      `query ($ports: [String!], $services: [String!]) { lookup(ports: $ports, services: $services) ${selectAll('LookupAnswer')} }`,
      body,
    );
    const response = await request(subject.app.server).post('/v1/lookup').send(body);
    expect(response.status).toBe(200);
    expect(withoutNulls(data.lookup, ['result', 'error'])).toEqual(response.body);
  });

  it('refusals carry the same reasons', async () => {
    const cases: [string, string, string][] = [
      ['{ port(number: 70000) { port } }', '/v1/ports/70000', 'must be an integer from 0 to 65535'],
      [
        '{ services(query: "x", after: "nonsense") { nextCursor } }',
        '/v1/services?q=x&cursor=nonsense',
        'is not a cursor this service issued',
      ],
      [
        '{ freePorts(count: 1001) { ports } }',
        '/v1/free-ports?count=1001',
        'must be an integer from 1 to 1000',
      ],
    ];
    for (const [query, url, reason] of cases) {
      const graphqlAnswer = await graphql(subject.app, query);
      const restAnswer = await request(subject.app.server).get(url);
      expect(restAnswer.status).toBe(400);
      expect(restAnswer.body.errors.map((error: { message: string }) => error.message)).toEqual([
        reason,
      ]);
      expect(
        (graphqlAnswer.errors[0]?.extensions.errors as { message: string }[]).map(
          (error) => error.message,
        ),
      ).toEqual([reason]);
    }
    const anonymous = await graphql(subject.app, '{ port(number: 80, org: "acme") { port } }');
    const restAnonymous = await request(subject.app.server).get('/v1/ports/80?org=acme');
    expect(restAnonymous.status).toBe(401);
    expect(anonymous.errors[0]).toMatchObject({
      message: restAnonymous.body.detail,
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const missing = await graphql(subject.app, '{ service(name: "nope-nope") { name } }');
    const restMissing = await request(subject.app.server).get('/v1/services/nope-nope');
    expect(restMissing.status).toBe(404);
    expect(missing.errors[0]).toMatchObject({
      message: restMissing.body.detail,
      extensions: { code: 'NOT_FOUND' },
    });
  });

  describe('with an organisation', () => {
    let org: OrgFixture;
    beforeAll(async () => {
      org = await createOrg(subject.app, 'parity');
      await createAssignment(subject.app, org, {
        serviceName: 'billing',
        protocol: 'tcp',
        port: 8080,
        scope: 'prod',
        description: 'Billing API',
        tags: ['payments'],
      });
      await createAssignment(subject.app, org, {
        serviceName: 'billing',
        protocol: 'tcp',
        port: 8081,
        scope: 'staging',
      });
    });

    it('port reports with the organisation’s assignments, all scopes or one', async () => {
      const query = `query ($port: Int!, $scope: String) { port(number: $port, org: "parity", scope: $scope) ${selectAll('PortReport')} }`;
      for (const [port, scope] of [
        [8080, undefined],
        [8080, 'prod'],
        [8080, 'staging'],
        [8081, undefined],
      ] as const) {
        const url = `/v1/ports/${port}?org=parity${scope ? `&scope=${scope}` : ''}`;
        const data = await answer(query, { port, scope }, org.adminKey);
        expect(data.port).toEqual(await rest(url, org.adminKey));
      }
      const report = (await rest('/v1/ports/8080?org=parity', org.adminKey)) as {
        organization: unknown[];
      };
      expect(report.organization).toHaveLength(1);
    });

    it('service, resolve and free ports with the organisation', async () => {
      const data = await answer(
        `{ service(name: "billing", org: "parity") ${selectAll('ServiceReport')} http: service(name: "http", org: "parity") ${selectAll('ServiceReport')} resolve(name: "billing", org: "parity", scope: "staging") ${selectAll('Resolution')} freePorts(from: 8080, to: 8100, org: "parity") ${selectAll('FreePorts')} }`,
        {},
        org.adminKey,
      );
      expect(data.service).toEqual(await rest('/v1/services/billing?org=parity', org.adminKey));
      expect(data.http).toEqual(await rest('/v1/services/http?org=parity', org.adminKey));
      expect(data.resolve).toEqual(
        await rest('/v1/resolve/billing?org=parity&scope=staging', org.adminKey),
      );
      expect(data.freePorts).toEqual(
        await rest('/v1/free-ports?from=8080&to=8100&org=parity', org.adminKey),
      );
      expect(data.resolve).toMatchObject({ port: 8081, source: 'organization' });
    });
  });
});

/** Drops the given keys where they are null, at every depth. */
function withoutNulls(value: unknown, keys: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutNulls(item, keys));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, item]) => !(keys.includes(key) && item === null))
      .map(([key, item]) => [key, withoutNulls(item, keys)]),
  );
}
