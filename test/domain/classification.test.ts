import { describe, expect, it } from 'vitest';
import {
  InvalidPortError,
  bandsContaining,
  checkPort,
  classifyPort,
  ephemeralSystems,
  type EphemeralFlags,
} from '../../src/domain/classification.js';

const RANGES = {
  system: { range: 'system', label: 'System Ports (Well-Known)', start: 0, end: 1023 },
  user: { range: 'user', label: 'User Ports (Registered)', start: 1024, end: 49151 },
  dynamic: {
    range: 'dynamic',
    label: 'Dynamic Ports (Private or Ephemeral)',
    start: 49152,
    end: 65535,
  },
} as const;

describe('classifyPort ranges (RFC 6335 section 6)', () => {
  it.each([
    [0, 'system', true],
    [1, 'system', true],
    [443, 'system', true],
    [1023, 'system', true],
    [1024, 'user', false],
    [32767, 'user', false],
    [32768, 'user', false],
    [49151, 'user', false],
    [49152, 'dynamic', false],
    [60999, 'dynamic', false],
    [61000, 'dynamic', false],
    [65535, 'dynamic', false],
  ] as const)('puts port %i in the %s range with privileged=%s', (port, range, privileged) => {
    expect(classifyPort(port)).toMatchObject({ ...RANGES[range], privileged });
  });

  it('returns exactly the PortReport classification fields', () => {
    expect(classifyPort(443)).toEqual({
      range: 'system',
      label: 'System Ports (Well-Known)',
      start: 0,
      end: 1023,
      privileged: true,
      ephemeral: { iana: false, linux: false, windows: false, macos: false, freebsd: false },
    });
  });

  it('marks 1023 privileged and 1024 not (Linux ip_unprivileged_port_start default 1024)', () => {
    expect(classifyPort(1023).privileged).toBe(true);
    expect(classifyPort(1024).privileged).toBe(false);
  });

  it('returns a fresh object each time, so a caller cannot alter later answers', () => {
    const first = classifyPort(80);
    first.ephemeral.linux = true;
    first.label = 'changed';
    expect(classifyPort(80).ephemeral.linux).toBe(false);
    expect(classifyPort(80).label).toBe('System Ports (Well-Known)');
  });
});

describe('classifyPort ephemeral flags (current default client port ranges)', () => {
  const none: EphemeralFlags = {
    iana: false,
    linux: false,
    windows: false,
    macos: false,
    freebsd: false,
  };
  it.each<[number, string]>([
    [0, 'none'],
    [1024, 'none'],
    [5000, 'none'],
    [9999, 'none'],
    [10000, 'freebsd'],
    [32767, 'freebsd'],
    [32768, 'linux freebsd'],
    [40000, 'linux freebsd'],
    [49151, 'linux freebsd'],
    [49152, 'iana linux windows macos freebsd'],
    [50000, 'iana linux windows macos freebsd'],
    [60999, 'iana linux windows macos freebsd'],
    [61000, 'iana windows macos freebsd'],
    [65535, 'iana windows macos freebsd'],
  ])('flags port %i as a client port on: %s', (port, systems) => {
    const on = systems === 'none' ? [] : systems.split(' ');
    const expected = Object.fromEntries(
      Object.keys(none).map((system) => [system, on.includes(system)]),
    );
    expect(classifyPort(port).ephemeral).toEqual(expected);
  });

  it('does not flag the legacy Windows XP range 1025-5000 as current Windows', () => {
    expect(classifyPort(3000).ephemeral.windows).toBe(false);
  });
});

describe('classifyPort input', () => {
  it.each([
    ['NaN', Number.NaN],
    ['a fraction', 1.5],
    ['a negative number', -1],
    ['one above the top', 65536],
    ['a huge number', 1e20],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s with InvalidPortError on field port', (_name, value) => {
    expect(() => classifyPort(value)).toThrow(InvalidPortError);
    try {
      classifyPort(value);
    } catch (error) {
      expect(error).toMatchObject({ field: 'port', reason: 'must be an integer from 0 to 65535' });
    }
  });

  it('accepts negative zero as port 0', () => {
    expect(classifyPort(-0).range).toBe('system');
  });

  it('gives InvalidPortError a name, field, reason and message', () => {
    const error = new InvalidPortError('portEnd', 'must not be less than portStart');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidPortError');
    expect(error.field).toBe('portEnd');
    expect(error.reason).toBe('must not be less than portStart');
    expect(error.message).toBe('portEnd must not be less than portStart');
  });

  it('checkPort returns a valid port and names the given field when refusing', () => {
    expect(checkPort(8080)).toBe(8080);
    expect(() => checkPort(70000, 'portStart')).toThrow(
      expect.objectContaining({ field: 'portStart' }),
    );
  });
});

describe('ephemeralSystems', () => {
  it.each<[number, string[]]>([
    [1023, []],
    [10000, ['FreeBSD 10000-65535']],
    [32767, ['FreeBSD 10000-65535']],
    [32768, ['Linux 32768-60999', 'FreeBSD 10000-65535']],
    [40000, ['Linux 32768-60999', 'FreeBSD 10000-65535']],
    [
      50000,
      [
        'IANA 49152-65535',
        'Linux 32768-60999',
        'Windows 49152-65535',
        'macOS 49152-65535',
        'FreeBSD 10000-65535',
      ],
    ],
    [
      61000,
      ['IANA 49152-65535', 'Windows 49152-65535', 'macOS 49152-65535', 'FreeBSD 10000-65535'],
    ],
  ])('names the current systems whose client range holds port %i', (port, systems) => {
    expect(ephemeralSystems(port)).toEqual(systems);
  });

  it('names systems whose range overlaps a port span', () => {
    expect(ephemeralSystems(9000, 10000)).toEqual(['FreeBSD 10000-65535']);
    expect(ephemeralSystems(9000, 9999)).toEqual([]);
  });

  it('refuses a span that starts after it ends', () => {
    expect(() => ephemeralSystems(5000, 4000)).toThrow(
      expect.objectContaining({ field: 'portEnd' }),
    );
  });

  it('refuses an invalid port', () => {
    expect(() => ephemeralSystems(65536)).toThrow(InvalidPortError);
  });
});

describe('bandsContaining', () => {
  it.each<[number, string[]]>([
    [19999, []],
    [20000, ['nomad-dynamic']],
    [29999, ['nomad-dynamic']],
    [30000, ['kubernetes-nodeport', 'nomad-dynamic']],
    [32000, ['kubernetes-nodeport', 'nomad-dynamic']],
    [32001, ['kubernetes-nodeport']],
    [32767, ['kubernetes-nodeport']],
    [32768, []],
  ])('finds the software bands holding port %i', (port, ids) => {
    expect(bandsContaining(port).map((band) => band.id)).toEqual(ids);
  });

  it('finds bands overlapping a span', () => {
    expect(bandsContaining(32700, 33000).map((band) => band.id)).toEqual(['kubernetes-nodeport']);
  });

  it('cites a source for every band it returns', () => {
    for (const band of bandsContaining(31000)) expect(band.source).not.toBe('');
  });

  it('refuses a fractional port', () => {
    expect(() => bandsContaining(30000.5)).toThrow(InvalidPortError);
  });
});
