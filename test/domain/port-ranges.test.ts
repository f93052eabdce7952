import { describe, expect, it } from 'vitest';
import {
  CURRENT_EPHEMERAL_RANGES,
  EPHEMERAL_RANGES,
  EPHEMERAL_SYSTEMS,
  PORT_BANDS,
  PORT_RANGES,
  PRIVILEGED_PORTS,
  rangesTable,
} from '../../src/domain/port-ranges.js';

describe('RFC 6335 range table', () => {
  it('lists system, user and dynamic with their bounds and labels', () => {
    expect(PORT_RANGES.map(({ id, label, start, end }) => ({ id, label, start, end }))).toEqual([
      { id: 'system', label: 'System Ports (Well-Known)', start: 0, end: 1023 },
      { id: 'user', label: 'User Ports (Registered)', start: 1024, end: 49151 },
      { id: 'dynamic', label: 'Dynamic Ports (Private or Ephemeral)', start: 49152, end: 65535 },
    ]);
  });

  it('covers 0-65535 without gaps or overlaps', () => {
    let next = 0;
    for (const range of PORT_RANGES) {
      expect(range.start).toBe(next);
      next = range.end + 1;
    }
    expect(next).toBe(65536);
  });

  it('cites RFC 6335 section 6 for every range', () => {
    for (const range of PORT_RANGES) expect(range.source).toBe('RFC 6335 section 6');
  });

  it('says IANA never assigns dynamic ports', () => {
    expect(PORT_RANGES.find((range) => range.id === 'dynamic')?.assignedByIana).toBe(false);
  });
});

describe('OS ephemeral table (FACTS.md section 2)', () => {
  it.each([
    ['iana', 49152, 65535, true],
    ['linux', 32768, 60999, true],
    ['linux-before-4.2', 32768, 61000, false],
    ['windows', 49152, 65535, true],
    ['windows-legacy', 1025, 5000, false],
    ['macos', 49152, 65535, true],
    ['freebsd', 10000, 65535, true],
  ])('has row %s as %i-%i with current=%s', (id, start, end, current) => {
    expect(EPHEMERAL_RANGES.find((row) => row.id === id)).toMatchObject({ start, end, current });
  });

  it('has exactly one current row per reported system', () => {
    expect(CURRENT_EPHEMERAL_RANGES.map((row) => row.family)).toEqual([...EPHEMERAL_SYSTEMS]);
  });

  it('names where each range is set and cites a source for each row', () => {
    for (const row of EPHEMERAL_RANGES) {
      expect(row.setting).not.toBe('');
      expect(row.source).not.toBe('');
      expect(row.system).not.toBe('');
    }
    expect(EPHEMERAL_RANGES.find((row) => row.id === 'linux')?.setting).toContain(
      'net.ipv4.ip_local_port_range',
    );
    expect(EPHEMERAL_RANGES.find((row) => row.id === 'windows')?.source).toContain('929851');
  });

  it('never claims that clients use 1024-49151', () => {
    for (const row of EPHEMERAL_RANGES) {
      expect([row.start, row.end]).not.toEqual([1024, 49151]);
      expect(JSON.stringify(row)).not.toContain('1024-49151');
    }
    for (const band of PORT_BANDS) expect(JSON.stringify(band)).not.toContain('1024-49151');
  });

  it('does not claim all current systems use 49152-65535', () => {
    const ranges = new Set(CURRENT_EPHEMERAL_RANGES.map((row) => `${row.start}-${row.end}`));
    expect(ranges.size).toBeGreaterThan(1);
  });
});

describe('other bands and the privileged boundary', () => {
  it('lists Kubernetes NodePort 30000-32767 and Nomad dynamic 20000-32000 with sources', () => {
    expect(PORT_BANDS.map(({ id, start, end }) => ({ id, start, end }))).toEqual([
      { id: 'kubernetes-nodeport', start: 30000, end: 32767 },
      { id: 'nomad-dynamic', start: 20000, end: 32000 },
    ]);
    for (const band of PORT_BANDS) expect(band.source).not.toBe('');
  });

  it('puts the privileged boundary at 1024 with the Linux setting and capability', () => {
    expect(PRIVILEGED_PORTS).toMatchObject({
      below: 1024,
      start: 0,
      end: 1023,
      setting: 'sysctl net.ipv4.ip_unprivileged_port_start',
      defaultUnprivilegedStart: 1024,
    });
    expect(PRIVILEGED_PORTS.requirement).toContain('CAP_NET_BIND_SERVICE');
    expect(PRIVILEGED_PORTS.source).not.toBe('');
  });
});

describe('rangesTable', () => {
  it('serves ranges, ephemeral, bands and privileged as plain JSON data', () => {
    const table = rangesTable();
    expect(Object.keys(table)).toEqual(['ranges', 'ephemeral', 'bands', 'privileged']);
    expect(JSON.parse(JSON.stringify(table))).toEqual(table);
    expect(table.ranges).toHaveLength(3);
    expect(table.ephemeral).toHaveLength(7);
    expect(table.bands).toHaveLength(2);
  });

  it('returns copies, so changing an answer does not change the tables', () => {
    const table = rangesTable();
    table.ranges.pop();
    table.ephemeral.length = 0;
    table.privileged = { ...table.privileged, below: 80 };
    expect(rangesTable().ranges).toHaveLength(3);
    expect(rangesTable().ephemeral).toHaveLength(7);
    expect(rangesTable().privileged.below).toBe(1024);
    expect(rangesTable().ranges[0]).not.toBe(PORT_RANGES[0]);
  });
});
