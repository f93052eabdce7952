import { describe, expect, it } from 'vitest';
import {
  RegistryFormatError,
  simpleRecord,
  type RegistryEntryRecord,
} from '../../src/sources/entry.js';
import {
  assignEntryKeys,
  contentHash,
  detectFormat,
  entryKey,
  markPrimaryAndLegacy,
  parseRegistryFile,
} from '../../src/sources/entry-set.js';

function entry(overrides: Partial<RegistryEntryRecord>): RegistryEntryRecord {
  const base = simpleRecord({
    serviceName: null,
    portStart: null,
    portEnd: null,
    protocol: null,
    status: 'assigned',
    description: null,
    source: 'iana-csv',
  });
  return { ...base, ...overrides };
}

const on = (
  port: number,
  protocol: RegistryEntryRecord['protocol'],
  serviceName: string,
  notes: string | null = null,
) => entry({ serviceName, portStart: port, portEnd: port, protocol, notes });

const summary = (records: RegistryEntryRecord[]) =>
  records.map((r) => `${r.serviceName}${r.primary ? ' primary' : ''}${r.legacy ? ' legacy' : ''}`);

describe('markPrimaryAndLegacy: legacy names', () => {
  it('marks names that break RFC 6335 section 5.1 as legacy and keeps their spelling', () => {
    const names = ['whois++', 'sql*net', 'instl_boots', 'encrypted_admin', 'abcdefghijklmnop'];
    const marked = markPrimaryAndLegacy(names.map((name, i) => on(1000 + i, 'tcp', name)));
    expect(marked.map((r) => [r.serviceName, r.legacy])).toEqual(names.map((name) => [name, true]));
  });

  it('keeps mixed-case names such as warmspotMgmt: RFC 6335 5.1 allows upper-case letters', () => {
    // IANA itself chose "EtherNet-IP-1" as the well-formed replacement of "EtherNet/IP-1".
    const marked = markPrimaryAndLegacy([
      on(1074, 'tcp', 'warmspotMgmt'),
      on(2222, 'tcp', 'EtherNet-IP-1'),
    ]);
    expect(marked.map((r) => [r.serviceName, r.legacy])).toEqual([
      ['warmspotMgmt', false],
      ['EtherNet-IP-1', false],
    ]);
  });

  it('marks aliases, duplicates and historic entries by their notes', () => {
    const marked = markPrimaryAndLegacy([
      on(1, 'tcp', 'a', 'This entry is an alias to "b".'),
      on(
        2,
        'tcp',
        'c',
        'This is a duplicate of the "http" service and should not be used for discovery purposes.',
      ),
      on(
        3,
        'tcp',
        'd',
        'This entry is now historic, not usable for use with many\ncommon service discovery mechanisms.',
      ),
      on(4, 'tcp', 'e', 'Alias of "f" in /etc/services'),
      on(5, 'tcp', 'g', 'Historic usage was acms'),
      on(6, 'tcp', 'h', 'Defined TXT keys: alias, major-version'),
    ]);
    expect(marked.map((r) => r.legacy)).toEqual([true, true, true, true, false, false]);
  });

  it('never marks nameless rows legacy or primary', () => {
    const [row] = markPrimaryAndLegacy([
      entry({ portStart: 4, portEnd: 4, protocol: 'tcp', status: 'unassigned' }),
    ]);
    expect(row).toMatchObject({ legacy: false, primary: false });
  });
});

describe('markPrimaryAndLegacy: primary names', () => {
  const duplicate =
    'This is a duplicate of the "http" service and should not be used for discovery purposes.';

  it('picks http on 80/tcp over www and www-http, wherever it sits in the file', () => {
    const records = [
      on(80, 'tcp', 'www-http', duplicate),
      on(80, 'tcp', 'www', duplicate),
      on(80, 'tcp', 'http'),
    ];
    expect(summary(markPrimaryAndLegacy(records))).toEqual([
      'www-http legacy',
      'www legacy',
      'http primary',
    ]);
  });

  it('picks whoispp on 63/tcp over the alias whois++', () => {
    const records = [
      on(63, 'tcp', 'whois++', 'This entry is an alias to "whoispp".'),
      on(63, 'tcp', 'whoispp'),
    ];
    expect(summary(markPrimaryAndLegacy(records))).toEqual(['whois++ legacy', 'whoispp primary']);
  });

  it('picks the first name in file order when none is legacy (42/tcp: name)', () => {
    expect(
      summary(markPrimaryAndLegacy([on(42, 'tcp', 'name'), on(42, 'tcp', 'nameserver')])),
    ).toEqual(['name primary', 'nameserver']);
  });

  it('picks the first one when all are legacy', () => {
    expect(summary(markPrimaryAndLegacy([on(9, 'tcp', 'a_b'), on(9, 'tcp', 'c_d')]))).toEqual([
      'a_b primary legacy',
      'c_d legacy',
    ]);
  });

  it('follows an override, matching the name without case', () => {
    const overrides = new Map([['2049/tcp', 'NFS']]);
    const records = [
      on(2049, 'tcp', 'shilp'),
      on(2049, 'tcp', 'nfs'),
      on(2049, 'udp', 'shilp'),
      on(2049, 'udp', 'nfs'),
    ];
    expect(summary(markPrimaryAndLegacy(records, overrides))).toEqual([
      'shilp',
      'nfs primary',
      'shilp primary',
      'nfs',
    ]);
  });

  it('ignores an override whose name is not on that port', () => {
    const overrides = new Map([['42/tcp', 'http']]);
    expect(summary(markPrimaryAndLegacy([on(42, 'tcp', 'name')], overrides))).toEqual([
      'name primary',
    ]);
  });

  it('chooses one primary per protocol and per range, and none for unassigned rows or name-only entries', () => {
    const records = [
      on(53, 'tcp', 'domain'),
      on(53, 'udp', 'domain'),
      entry({ serviceName: 'x11', portStart: 6000, portEnd: 6063, protocol: 'tcp' }),
      entry({ serviceName: 'x11-6000', portStart: 6000, portEnd: 6000, protocol: 'tcp' }),
      entry({ serviceName: 'odd', portStart: 7, portEnd: 7, protocol: null }),
      entry({ serviceName: 'rdp' }),
      entry({ serviceName: 'gone', portStart: 8, portEnd: 8, protocol: 'tcp', status: 'reserved' }),
    ];
    expect(markPrimaryAndLegacy(records).map((r) => r.primary)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('does not change the records it is given', () => {
    const records = [on(80, 'tcp', 'http')];
    markPrimaryAndLegacy(records);
    expect(records[0]?.primary).toBe(false);
  });
});

describe('entry keys', () => {
  it('builds the natural key from protocol, ports and lower-case name or status', () => {
    expect(entryKey(on(80, 'tcp', 'HTTP'))).toBe('tcp|80|80|http');
    expect(entryKey(entry({ portStart: 81, portEnd: 81, status: 'unassigned' }))).toBe(
      '-|81|81|~unassigned',
    );
    expect(entryKey(entry({ serviceName: 'rdp' }))).toBe('-|-|-|rdp');
  });

  it('numbers repeated keys in file order and gives the same keys on a re-run', () => {
    const records = [
      entry({ serviceName: 'rdp' }),
      on(1, 'tcp', 'a'),
      entry({ serviceName: 'rdp' }),
      entry({ serviceName: 'RDP' }),
    ];
    const keys = assignEntryKeys(records).map((item) => item.key);
    expect(keys).toEqual(['-|-|-|rdp', 'tcp|1|1|a', '-|-|-|rdp#2', '-|-|-|rdp#3']);
    expect(assignEntryKeys(records).map((item) => item.key)).toEqual(keys);
  });
});

describe('contentHash', () => {
  it('is a stable SHA-1 hex that ignores property order', () => {
    const a = on(80, 'tcp', 'http');
    const reordered = Object.fromEntries(
      Object.entries(a).reverse(),
    ) as unknown as RegistryEntryRecord;
    expect(contentHash(a)).toMatch(/^[0-9a-f]{40}$/);
    expect(contentHash(reordered)).toBe(contentHash(a));
  });

  it('changes when any field changes', () => {
    const a = on(80, 'tcp', 'http');
    for (const change of [
      { description: 'x' },
      { references: ['RFC9110'] },
      { primary: true },
      { source: 'curated' as const },
    ]) {
      expect(contentHash({ ...a, ...change })).not.toBe(contentHash(a));
    }
  });
});

describe('detectFormat and parseRegistryFile', () => {
  it('detects the format by extension', () => {
    expect(
      detectFormat('https://www.iana.org/assignments/x/service-names-port-numbers.csv', ''),
    ).toBe('csv');
    expect(detectFormat('/tmp/service-names-port-numbers.XML?x=1', '')).toBe('xml');
    expect(detectFormat('/etc/services', '')).toBe('services');
  });

  it('sniffs the content when the name says nothing', () => {
    expect(detectFormat('/tmp/download', "\uFEFF<?xml version='1.0'?>")).toBe('xml');
    expect(detectFormat('/tmp/download', '<registry id="service-names-port-numbers">')).toBe('xml');
    expect(detectFormat('/tmp/download', 'Service Name,Port Number,Transport Protocol\n')).toBe(
      'csv',
    );
    expect(detectFormat('/tmp/download', 'echo 7/tcp\n')).toBe('services');
  });

  it('parses and marks primaries in one call', () => {
    const records = parseRegistryFile('http 80/tcp www\n', 'services');
    expect(summary(records)).toEqual(['http primary', 'www legacy']);
  });

  it('rejects an unknown format with a RegistryFormatError', () => {
    expect(() => parseRegistryFile('x', 'json')).toThrow(RegistryFormatError);
    expect(() => parseRegistryFile('x', 'json')).toThrow(
      'unknown registry format "json" (expected csv, xml or services)',
    );
  });
});
