import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../support/app.js';
import { HAS_SNAPSHOT, SNAPSHOT_NOTE, SNAPSHOT_PATH } from '../support/snapshot.js';
import { graphql } from './graphql-app.js';
import { openTestApp } from '../support/app.js';

interface ProtocolStatus {
  protocol: string;
  status: string;
  primary: string | null;
  names: string[];
}

function byProtocol(protocols: ProtocolStatus[]): Record<string, ProtocolStatus> {
  return Object.fromEntries(protocols.map((status) => [status.protocol, status]));
}

/** The read queries on the IANA snapshot, through real HTTP on a real database. */
describe.skipIf(!HAS_SNAPSHOT)(`GraphQL read queries on the IANA snapshot${SNAPSHOT_NOTE}`, () => {
  let subject: TestApp;
  const ask = (query: string, variables?: Record<string, unknown>) =>
    graphql(subject.app, query, variables);

  beforeAll(async () => {
    subject = await openTestApp({ syncFrom: SNAPSHOT_PATH });
  });
  afterAll(async () => subject?.close());

  describe('port', () => {
    it('names https primary on 443/tcp, a system port that needs privilege', async () => {
      const answer = await ask(
        '{ port(number: 443) { port classification { range privileged } protocols { protocol status primary names } iana { serviceName protocol primary } organization { id } } }',
      );
      expect(answer.status).toBe(200);
      expect(answer.errors).toEqual([]);
      const report = answer.data.port;
      expect(report.port).toBe(443);
      expect(report.classification).toEqual({ range: 'system', privileged: true });
      expect(byProtocol(report.protocols).tcp).toMatchObject({
        status: 'assigned',
        primary: 'https',
      });
      expect(report.iana).toContainEqual({ serviceName: 'https', protocol: 'tcp', primary: true });
      expect(report.organization).toEqual([]);
    });

    it('names http primary on 80/tcp, with www and www-http as further names', async () => {
      const answer = await ask('{ port(number: 80) { protocols { protocol primary names } } }');
      const tcp = byProtocol(answer.data.port.protocols).tcp;
      expect(tcp?.primary).toBe('http');
      expect(tcp?.names[0]).toBe('http');
      expect(tcp?.names).toEqual(expect.arrayContaining(['www', 'www-http']));
    });

    it('shows imap on 143/tcp and reserved on 143/udp', async () => {
      const answer = await ask(
        '{ port(number: 143) { protocols { protocol status primary names } } }',
      );
      const statuses = byProtocol(answer.data.port.protocols);
      expect(statuses.tcp).toMatchObject({ status: 'assigned', primary: 'imap' });
      expect(statuses.udp).toEqual({
        protocol: 'udp',
        status: 'reserved',
        primary: null,
        names: [],
      });
    });

    it('limits the report to one protocol when asked', async () => {
      const answer = await ask(
        '{ port(number: 53, protocol: udp) { protocols { protocol primary } iana { protocol } } }',
      );
      expect(answer.data.port.protocols).toEqual([{ protocol: 'udp', primary: 'domain' }]);
      for (const entry of answer.data.port.iana) expect(entry.protocol).toBe('udp');
    });

    it('nests the report of every service on the port, aliases folded into their primary', async () => {
      const answer = await ask('{ port(number: 80, protocol: tcp) { services { name aliases } } }');
      expect(answer.errors).toEqual([]);
      const names = answer.data.port.services.map((service: { name: string }) => service.name);
      expect(names[0]).toBe('http');
      expect(names).not.toContain('www');
      expect(new Set(names).size).toBe(names.length);
      expect(answer.data.port.services[0].aliases).toEqual(
        expect.arrayContaining(['www', 'www-http']),
      );
    });
  });

  describe('classify', () => {
    it('finds 50000 in every ephemeral range', async () => {
      const answer = await ask(
        '{ classify(port: 50000) { range start end privileged ephemeral { iana linux windows macos freebsd } } }',
      );
      expect(answer.data.classify).toEqual({
        range: 'dynamic',
        start: 49152,
        end: 65535,
        privileged: false,
        ephemeral: { iana: true, linux: true, windows: true, macos: true, freebsd: true },
      });
    });

    it('finds 40000 in the ephemeral ranges of Linux and FreeBSD only', async () => {
      const answer = await ask(
        '{ classify(port: 40000) { range ephemeral { iana linux windows macos freebsd } } }',
      );
      expect(answer.data.classify).toEqual({
        range: 'user',
        ephemeral: { iana: false, linux: true, windows: false, macos: false, freebsd: true },
      });
    });
  });

  describe('services', () => {
    it('answers an alias in any case with the primary name’s report', async () => {
      const answer = await ask(
        '{ service(name: "WWW") { name aliases ports { protocol portStart portEnd } } }',
      );
      expect(answer.data.service.name).toBe('http');
      expect(answer.data.service.aliases).toEqual(expect.arrayContaining(['www', 'www-http']));
      expect(answer.data.service.ports).toContainEqual({
        protocol: 'tcp',
        portStart: 80,
        portEnd: 80,
      });
    });

    it('nests each port’s report, and none for a range of ports', async () => {
      const answer = await ask(
        '{ http: service(name: "http", protocol: tcp) { ports { portStart report { port protocols { protocol } } } } x11: service(name: "x11", protocol: tcp) { ports { portStart portEnd report { port } } } }',
      );
      expect(answer.errors).toEqual([]);
      expect(answer.data.http.ports[0].report).toEqual({
        port: 80,
        protocols: [{ protocol: 'tcp' }],
      });
      expect(answer.data.x11.ports[0]).toEqual({ portStart: 6000, portEnd: 6063, report: null });
    });

    it('resolves postgresql to 5432, and domain over udp to 53', async () => {
      const answer = await ask(
        '{ pg: resolve(name: "PostgreSQL") { name protocol port source } dns: resolve(name: "domain", protocol: udp) { port } }',
      );
      expect(answer.data.pg).toEqual({
        name: 'postgresql',
        protocol: 'tcp',
        port: 5432,
        source: 'iana',
      });
      expect(answer.data.dns.port).toBe(53);
    });

    it('ranks search results: exact name, then prefix, then text', async () => {
      const answer = await ask('{ services(query: "http", first: 500) { items { name rank } } }');
      const items: { name: string; rank: string }[] = answer.data.services.items;
      expect(items[0]).toEqual({ name: 'http', rank: 'exact' });
      const ranks = items.map((item) => item.rank);
      const order = ['exact', 'prefix', 'text'];
      expect([...ranks].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(ranks);
      expect(ranks).toContain('prefix');
      expect(ranks).toContain('text');
    });

    it('pages search results with after', async () => {
      const first = await ask('{ services(query: "sql", first: 2) { items { name } nextCursor } }');
      expect(first.data.services.items).toHaveLength(2);
      const second = await ask(
        'query ($after: String) { services(query: "sql", first: 2, after: $after) { items { name } } }',
        { after: first.data.services.nextCursor },
      );
      expect(second.data.services.items[0].name).not.toBe(first.data.services.items[0].name);
    });

    it('batches the reports nested in 100 search matches into one read', async () => {
      const lookup = vi.spyOn(subject.app.reads, 'lookup');
      try {
        const answer = await ask(
          '{ services(query: "a", first: 100) { items { name report { name } } } }',
        );
        expect(answer.errors).toEqual([]);
        expect(answer.data.services.items).toHaveLength(100);
        for (const item of answer.data.services.items) {
          expect(item.report.name.toLowerCase()).toBeTruthy();
        }
        expect(lookup).toHaveBeenCalledTimes(1);
        expect(lookup.mock.calls[0]?.[0].services).toHaveLength(100);
      } finally {
        lookup.mockRestore();
      }
    });

    it('batches the service reports of 100 looked-up ports into one read', async () => {
      const ports = Array.from({ length: 100 }, (_, i) => String(i + 1));
      const lookup = vi.spyOn(subject.app.reads, 'lookup');
      try {
        const answer = await ask(
          'query ($ports: [String!]) { lookup(ports: $ports) { ports { query result { services { name } } } } }',
          { ports },
        );
        expect(answer.errors).toEqual([]);
        expect(answer.data.lookup.ports).toHaveLength(100);
        // The lookup itself, then one batch for every nested `services`.
        expect(lookup).toHaveBeenCalledTimes(2);
      } finally {
        lookup.mockRestore();
      }
    });
  });

  describe('windows, free ports, ranges, registry', () => {
    it('pages registry entries of a window in port order with first and after', async () => {
      const query =
        'query ($after: String) { ports(from: 6000, to: 6100, protocol: tcp, first: 3, after: $after) { items { serviceName portStart portEnd } nextCursor } }';
      const first = await ask(query);
      expect(first.data.ports.items[0]).toEqual({
        serviceName: 'x11',
        portStart: 6000,
        portEnd: 6063,
      });
      const starts: number[] = [];
      let after: string | null = null;
      do {
        const page = await ask(query, { after });
        starts.push(...page.data.ports.items.map((item: { portStart: number }) => item.portStart));
        after = page.data.ports.nextCursor;
      } while (after);
      expect(starts.length).toBeGreaterThan(3);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    });

    it('filters a window by status', async () => {
      const answer = await ask(
        '{ ports(from: 140, to: 150, protocol: udp, status: reserved) { items { portStart status } } }',
      );
      expect(answer.data.ports.items).toContainEqual({ portStart: 143, status: 'reserved' });
    });

    it('finds free ports, by default 10 of 1024-32767 over tcp', async () => {
      const defaults = await ask('{ freePorts { protocol from to ports } }');
      expect(defaults.data.freePorts).toMatchObject({ protocol: 'tcp', from: 1024, to: 32767 });
      expect(defaults.data.freePorts.ports).toHaveLength(10);
      const window = await ask(
        '{ freePorts(from: 49152, to: 49160, protocol: udp, count: 100) { ports } }',
      );
      expect(window.data.freePorts.ports).toEqual([
        49152, 49153, 49154, 49155, 49156, 49157, 49158, 49159, 49160,
      ]);
    });

    it('serves the range tables', async () => {
      const answer = await ask(
        '{ ranges { ranges { id start end } ephemeral { id family start end current } bands { id } privileged { below } } }',
      );
      expect(answer.data.ranges.ranges.map((range: { id: string }) => range.id)).toEqual([
        'system',
        'user',
        'dynamic',
      ]);
      expect(answer.data.ranges.ephemeral).toContainEqual({
        id: 'linux',
        family: 'linux',
        start: 32768,
        end: 60999,
        current: true,
      });
      expect(answer.data.ranges.privileged.below).toBe(1024);
    });

    it('summarises the registry with its last sync', async () => {
      const answer = await ask(
        '{ registry { entries { total byProtocol { tcp udp } } sources { source entries } lastSync { source format added } } }',
      );
      const summary = answer.data.registry;
      expect(summary.entries.total).toBeGreaterThan(10_000);
      expect(summary.sources).toContainEqual({ source: 'iana-csv', entries: expect.any(Number) });
      expect(summary.lastSync).toMatchObject({ source: SNAPSHOT_PATH, format: 'csv' });
    });

    it('looks up ports and services in the order asked, a bad item failing alone', async () => {
      const answer = await ask(
        '{ lookup(ports: ["443", "53/udp", "80abc"], services: ["postgresql", "nope-nope"]) { ports { query ok result { port } error { status field } } services { query ok result { name } error { status field } } } }',
      );
      expect(answer.data.lookup.ports).toEqual([
        { query: '443', ok: true, result: { port: 443 }, error: null },
        { query: '53/udp', ok: true, result: { port: 53 }, error: null },
        { query: '80abc', ok: false, result: null, error: { status: 400, field: 'ports.2' } },
      ]);
      expect(answer.data.lookup.services[0].result.name).toBe('postgresql');
      expect(answer.data.lookup.services[1].error).toEqual({ status: 404, field: 'services.1' });
    });
  });
});
