import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/app.js';
import { HAS_SNAPSHOT, SNAPSHOT_NOTE, SNAPSHOT_PATH } from '../support/snapshot.js';

/** The read API on the IANA snapshot, through real HTTP on a real database. */
describe.skipIf(!HAS_SNAPSHOT)(`read API on the IANA snapshot${SNAPSHOT_NOTE}`, () => {
  let subject: TestApp;
  const get = (url: string) => request(subject.app.server).get(url);

  beforeAll(async () => {
    subject = await openTestApp({ syncFrom: SNAPSHOT_PATH });
  });
  afterAll(async () => subject?.close());

  describe('GET /v1/ports/{port}', () => {
    it('names http primary on 80/tcp, with www and www-http as further names', async () => {
      const response = await get('/v1/ports/80');
      expect(response.status).toBe(200);
      const tcp = response.body.protocols.find((p: { protocol: string }) => p.protocol === 'tcp');
      expect(tcp).toMatchObject({ status: 'assigned', primary: 'http' });
      expect(tcp.names[0]).toBe('http');
      expect(tcp.names).toEqual(expect.arrayContaining(['www', 'www-http']));
      expect(response.body.iana.length).toBeGreaterThanOrEqual(6);
    });

    it('shows imap on 143/tcp and reserved on 143/udp', async () => {
      const response = await get('/v1/ports/143');
      const byProtocol = Object.fromEntries(
        response.body.protocols.map((p: { protocol: string }) => [p.protocol, p]),
      );
      expect(byProtocol.tcp).toMatchObject({ status: 'assigned', primary: 'imap' });
      expect(byProtocol.udp).toMatchObject({ status: 'reserved', primary: null, names: [] });
      expect(byProtocol.sctp).toMatchObject({ status: 'unassigned' });
    });

    it('classifies 50000 as dynamic with every ephemeral flag true', async () => {
      const response = await get('/v1/ports/50000');
      expect(response.body.classification).toEqual({
        range: 'dynamic',
        label: expect.any(String),
        start: 49152,
        end: 65535,
        privileged: false,
        ephemeral: { iana: true, linux: true, windows: true, macos: true, freebsd: true },
      });
      expect(response.body.notes.map((note: { kind: string }) => note.kind)).toContain('dynamic');
    });

    it('classifies 40000 as user with only linux and freebsd ephemeral', async () => {
      const response = await get('/v1/ports/40000/classification');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        range: 'user',
        privileged: false,
        ephemeral: { iana: false, linux: true, windows: false, macos: false, freebsd: true },
      });
    });

    it('limits the report to one protocol when asked', async () => {
      const response = await get('/v1/ports/53?protocol=udp');
      expect(response.body.protocols).toEqual([
        { protocol: 'udp', status: 'assigned', primary: 'domain', names: ['domain'] },
      ]);
      expect(
        response.body.iana.every((entry: { protocol: string }) => entry.protocol === 'udp'),
      ).toBe(true);
      const security = response.body.notes.find(
        (note: { kind: string }) => note.kind === 'security',
      );
      expect(security).toMatchObject({ protocol: 'udp', source: 'CISA TA14-017A' });
    });

    it('attaches security notes with their sources and browser-blocked ports', async () => {
      const response = await get('/v1/ports/23');
      const kinds = response.body.notes.map((note: { kind: string }) => note.kind);
      expect(kinds).toEqual(expect.arrayContaining(['security', 'browser-blocked']));
      for (const note of response.body.notes) expect(note.source).not.toBe('');
    });

    it('answers a port the registry never lists as unassigned on every protocol', async () => {
      const response = await get('/v1/ports/65000');
      expect(response.body.iana).toEqual([]);
      expect(response.body.protocols.map((p: { status: string }) => p.status)).toEqual([
        'unassigned',
        'unassigned',
        'unassigned',
        'unassigned',
      ]);
    });

    it('carries an ETag and Cache-Control and answers 304 to If-None-Match', async () => {
      const first = await get('/v1/ports/443');
      expect(first.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(first.headers['cache-control']).toContain('max-age');
      const again = await get('/v1/ports/443').set('If-None-Match', first.headers.etag as string);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      const stale = await get('/v1/ports/443').set('If-None-Match', '"something-else"');
      expect(stale.status).toBe(200);
    });
  });

  describe('services', () => {
    it('answers an alias in any case with the primary name’s report', async () => {
      const response = await get('/v1/services/WWW');
      expect(response.status).toBe(200);
      expect(response.body.name).toBe('http');
      expect(response.body.aliases).toEqual(expect.arrayContaining(['www', 'www-http']));
      expect(response.body.ports).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ protocol: 'tcp', portStart: 80, portEnd: 80 }),
        ]),
      );
    });

    it('resolves whois++ to whoispp', async () => {
      const response = await get('/v1/services/whois++');
      expect(response.body.name).toBe('whoispp');
      expect(response.body.aliases).toContain('whois++');
    });

    it('keeps a service on several ports (mit-ml-dev on 83 and 85)', async () => {
      const response = await get('/v1/services/mit-ml-dev?protocol=tcp');
      expect(response.body.ports.map((port: { portStart: number }) => port.portStart)).toEqual([
        83, 85,
      ]);
    });

    it('answers 404 problem+json for an unknown service', async () => {
      const response = await get('/v1/services/no-such-service');
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.detail).toContain('no-such-service');
    });

    it('resolves postgresql to 5432 as JSON and as text/plain', async () => {
      const json = await get('/v1/resolve/postgresql');
      expect(json.body).toEqual({
        name: 'postgresql',
        protocol: 'tcp',
        port: 5432,
        source: 'iana',
      });
      const text = await get('/v1/resolve/PostgreSQL').set('Accept', 'text/plain');
      expect(text.headers['content-type']).toMatch(/^text\/plain/);
      expect(text.text).toBe('5432\n');
      expect(text.headers.vary).toContain('Accept');
      expect((await get('/v1/resolve/www')).body.port).toBe(80);
      expect((await get('/v1/resolve/domain?protocol=udp')).body.port).toBe(53);
      expect((await get('/v1/resolve/no-such-service')).status).toBe(404);
    });

    it('ranks search results: exact name, then prefix, then text', async () => {
      const response = await get('/v1/services?q=http&limit=500');
      expect(response.status).toBe(200);
      const ranks = response.body.items.map((item: { rank: string }) => item.rank);
      expect(response.body.items[0]).toMatchObject({ name: 'http', rank: 'exact' });
      expect(ranks.indexOf('text')).toBeGreaterThan(ranks.lastIndexOf('prefix'));
      expect([...ranks].sort((a, b) => rankOrder(a) - rankOrder(b))).toEqual(ranks);
    });

    it('pages search results with a cursor', async () => {
      const first = await get('/v1/services?q=sql&limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await get(`/v1/services?q=sql&limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items[0].name).not.toBe(first.body.items[0].name);
      expect((await get('/v1/services?q=sql&cursor=nonsense!')).status).toBe(400);
    });
  });

  describe('windows, free ports, ranges, export', () => {
    it('lists entries overlapping a window in port order, with cursor pages', async () => {
      const first = await get('/v1/ports?from=6000&to=6100&protocol=tcp&limit=3');
      expect(first.status).toBe(200);
      expect(first.body.items[0]).toMatchObject({
        portStart: 6000,
        portEnd: 6063,
        serviceName: 'x11',
      });
      const starts: number[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await get(
          `/v1/ports?from=6000&to=6100&protocol=tcp&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        starts.push(...page.body.items.map((item: { portStart: number }) => item.portStart));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(starts.length).toBeGreaterThan(3);
    });

    it('filters the window by status', async () => {
      const response = await get('/v1/ports?from=140&to=150&protocol=udp&status=reserved');
      expect(response.body.items.map((item: { portStart: number }) => item.portStart)).toContain(
        143,
      );
    });

    it('finds free ports, by default between 1024 and 32767', async () => {
      const response = await get('/v1/free-ports?count=5');
      expect(response.body).toMatchObject({ protocol: 'tcp', from: 1024, to: 32767 });
      expect(response.body.ports).toHaveLength(5);
      for (const port of response.body.ports) {
        const report = await get(`/v1/ports/${port}?protocol=tcp`);
        expect(report.body.protocols[0].status).toBe('unassigned');
      }
      const window = await get('/v1/free-ports?from=49152&to=49160&protocol=udp&count=100');
      expect(window.body.ports).toEqual([
        49152, 49153, 49154, 49155, 49156, 49157, 49158, 49159, 49160,
      ]);
    });

    it('serves the range tables with sources', async () => {
      const response = await get('/v1/ranges');
      expect(response.body.ranges.map((range: { id: string }) => range.id)).toEqual([
        'system',
        'user',
        'dynamic',
      ]);
      const linux = response.body.ephemeral.find((row: { id: string }) => row.id === 'linux');
      expect(linux).toMatchObject({ start: 32768, end: 60999 });
      expect(JSON.stringify(response.body)).not.toContain('1024-49151');
    });

    it('exports /etc/services lines with aliases', async () => {
      const response = await get('/v1/export/services?protocol=tcp');
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toMatch(/^http\s+80\/tcp\s+www www-http\s+# World Wide Web HTTP$/m);
      expect(response.text).not.toMatch(/\/udp/);
    });
  });

  describe('POST /v1/lookup', () => {
    it('answers in the order asked and reports a bad item alone', async () => {
      const response = await request(subject.app.server)
        .post('/v1/lookup')
        .send({
          ports: [443, '53/udp', '80abc', 70000, '6000-6001'],
          services: ['postgresql', 'nope-nope'],
        });
      expect(response.status).toBe(200);
      const ports = response.body.ports;
      expect(ports.map((item: { query: string; ok: boolean }) => [item.query, item.ok])).toEqual([
        ['443', true],
        ['53/udp', true],
        ['80abc', false],
        ['70000', false],
        ['6000-6001', false],
      ]);
      expect(ports[1].result.protocols).toEqual([
        { protocol: 'udp', status: 'assigned', primary: 'domain', names: ['domain'] },
      ]);
      expect(ports[2].error).toMatchObject({ status: 400, field: 'ports.2' });
      expect(response.body.services[0].result.name).toBe('postgresql');
      expect(response.body.services[1].error).toMatchObject({ status: 404, field: 'services.1' });
    });

    it('gives each port the very report GET /v1/ports/{port} gives, before and after a cached read', async () => {
      const asked = [22, '80', '53/udp', 443, 22, '443/tcp'];
      for (let round = 0; round < 2; round += 1) {
        const response = await request(subject.app.server)
          .post('/v1/lookup')
          .send({ ports: asked, services: [] });
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.body.services).toEqual([]);
        for (const [position, item] of asked.entries()) {
          const [port, protocol] = String(item).split('/');
          const single = await request(subject.app.server)
            .get(`/v1/ports/${port}`)
            .query(protocol ? { protocol } : {});
          expect(response.body.ports[position]).toEqual({
            query: String(item),
            ok: true,
            result: single.body,
          });
        }
      }
    });

    it('answers 1000 items and refuses 1001', async () => {
      const thousand = Array.from({ length: 1000 }, (_, i) => i);
      const ok = await request(subject.app.server).post('/v1/lookup').send({ ports: thousand });
      expect(ok.status).toBe(200);
      expect(ok.body.ports).toHaveLength(1000);
      const tooMany = await request(subject.app.server)
        .post('/v1/lookup')
        .send({ ports: thousand, services: ['http'] });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors[0].field).toBe('ports');
    });
  });
});

function rankOrder(rank: string): number {
  return ['exact', 'prefix', 'text'].indexOf(rank);
}
