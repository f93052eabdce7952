import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CuratedDataError,
  curatedDirectory,
  curatedPrimaryEntries,
  curatedPrimaryOverrides,
  loadCurated,
} from '../../src/sources/curated.js';
import { markPrimaryAndLegacy } from '../../src/sources/entry-set.js';
import { parseIanaCsv } from '../../src/sources/iana-csv.js';

const curated = loadCurated();

/** FACTS.md section 5, one row per port and protocol with its source. */
const FACTS_SECURITY_NOTES: Array<[number, string, string]> = [
  [23, 'tcp', 'RFC 854; SANS ISC reports'],
  [2323, 'tcp', 'RFC 854; SANS ISC reports'],
  [22, 'tcp', 'CSIRT guidance'],
  [445, 'tcp', 'US-CERT "SMB Security Best Practices", 2017'],
  [139, 'tcp', 'US-CERT "SMB Security Best Practices", 2017'],
  [137, 'udp', 'US-CERT "SMB Security Best Practices", 2017'],
  [138, 'udp', 'US-CERT "SMB Security Best Practices", 2017'],
  [3389, 'tcp', 'FBI/DHS PSA I-092718-PSA, 2018'],
  [27017, 'tcp', 'ENISA note, 2017; Redis security docs'],
  [9200, 'tcp', 'ENISA note, 2017; Redis security docs'],
  [6379, 'tcp', 'ENISA note, 2017; Redis security docs'],
  [5984, 'tcp', 'ENISA note, 2017; Redis security docs'],
  [3306, 'tcp', 'ENISA note, 2017; Redis security docs'],
  [5432, 'tcp', 'ENISA note, 2017; Redis security docs'],
  [53, 'udp', 'CISA TA14-017A'],
  [123, 'udp', 'CISA TA14-017A'],
  [161, 'udp', 'CISA TA14-017A, TA17-156A'],
  [1900, 'udp', 'CISA TA14-017A'],
  [19, 'udp', 'CISA TA14-017A'],
  [17, 'udp', 'CISA TA14-017A'],
  [11211, 'udp', 'CISA TA14-017A (2018 update)'],
];

const FACTS_AMPLIFICATION: Array<[number, string]> = [
  [53, '28-54'],
  [123, '556.9'],
  [161, '6.3'],
  [1900, '30.8'],
  [19, '358.8'],
  [17, '140.3'],
  [11211, '10,000-51,000'],
];

describe('loadCurated', () => {
  it('finds seed/curated from the source tree', () => {
    expect(curatedDirectory()).toBe(path.resolve(process.cwd(), 'seed/curated'));
  });

  it('has exactly the security notes of FACTS.md section 5, with their sources', () => {
    const notes = curated.securityNotes.map((n) => [n.port, n.protocol, n.source]);
    expect(notes).toHaveLength(FACTS_SECURITY_NOTES.length);
    expect(notes).toEqual(expect.arrayContaining(FACTS_SECURITY_NOTES));
  });

  it('states the amplification factors of FACTS.md section 5', () => {
    for (const [port, factor] of FACTS_AMPLIFICATION) {
      const note = curated.securityNotes.find((n) => n.port === port && n.protocol === 'udp');
      expect(note?.text, `${port}/udp`).toContain(`factor ${factor}`);
    }
  });

  it('expands the browser bad-port ranges', () => {
    const { ports, source } = curated.browserBadPorts;
    expect(source).toMatch(/WHATWG Fetch/);
    for (const port of [1, 101, 102, 103, 104, 512, 515, 530, 532, 6665, 6669, 6679, 10080]) {
      expect(ports).toContain(port);
    }
    expect(ports).not.toContain(105);
    expect(ports).toHaveLength(82);
  });

  it('has 15 to 30 unofficial uses, each naming its source', () => {
    expect(curated.unofficialUses.length).toBeGreaterThanOrEqual(15);
    expect(curated.unofficialUses.length).toBeLessThanOrEqual(30);
    expect(curated.unofficialUses.find((u) => u.port === 3000)?.source).toMatch(/Grafana/);
  });

  it('turns primary names into overrides and assigned curated entries', () => {
    expect(curatedPrimaryOverrides(curated).get('80/tcp')).toBe('http');
    expect(curatedPrimaryOverrides(curated).get('443/tcp')).toBe('https');
    const http = curatedPrimaryEntries(curated).find(
      (e) => e.portStart === 80 && e.protocol === 'udp',
    );
    expect(http).toMatchObject({
      serviceName: 'http',
      status: 'assigned',
      source: 'curated',
      portEnd: 80,
    });
  });

  it('throws a CuratedDataError on a file of the wrong shape', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'curated-'));
    cpSync(curatedDirectory(), directory, { recursive: true });
    try {
      writeFileSync(
        path.join(directory, 'security-notes.json'),
        '[{"port": 23, "protocol": "tcp", "severity": "high", "text": "x", "source": "y"}]',
      );
      expect(() => loadCurated(directory)).toThrow(CuratedDataError);
      expect(() => loadCurated(directory)).toThrow(
        'security-notes.json item 1: "severity" must be info/warning/critical',
      );
      writeFileSync(path.join(directory, 'security-notes.json'), '[]');
      writeFileSync(
        path.join(directory, 'primary-names.json'),
        '[{"port": 70000, "protocol": "tcp", "name": "x", "description": "y"}]',
      );
      expect(() => loadCurated(directory)).toThrow(
        'primary-names.json item 1: "port" must be a port 0-65535',
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

const SNAPSHOT = path.resolve(process.cwd(), '../shared/data/service-names-port-numbers.csv');
const exists = existsSync(SNAPSHOT);

describe(`curated primary names against the IANA snapshot${exists ? '' : ' (skipped: snapshot absent)'}`, () => {
  it.skipIf(!exists)('names an assigned IANA row for every entry', () => {
    const records = parseIanaCsv(readFileSync(SNAPSHOT));
    for (const { port, protocol, name } of curated.primaryNames) {
      const row = records.find(
        (r) =>
          r.portStart === port &&
          r.portEnd === port &&
          r.protocol === protocol &&
          r.serviceName === name &&
          r.status === 'assigned',
      );
      expect(row, `${name} ${port}/${protocol}`).toBeDefined();
    }
  });

  it.skipIf(!exists)(
    'moves the primary where file order picks a worse name (465 submissions, 2049 nfs)',
    () => {
      const records = markPrimaryAndLegacy(
        parseIanaCsv(readFileSync(SNAPSHOT)),
        curatedPrimaryOverrides(curated),
      );
      const primary = (port: number, protocol: string) =>
        records.find(
          (r) => r.portStart === port && r.portEnd === port && r.protocol === protocol && r.primary,
        )?.serviceName;
      expect(primary(465, 'tcp')).toBe('submissions');
      expect(primary(2049, 'tcp')).toBe('nfs');
      expect(primary(80, 'tcp')).toBe('http');
    },
  );
});
