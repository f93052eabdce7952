import { describe, expect, it } from 'vitest';
import { formatPortReport, formatServiceReport } from '../../src/cli/format.js';
import { MAX_LINE_WIDTH, stripAnsi } from '../../src/cli/terminal.js';
import { fixtureReports } from './fixture-registry.js';

/** The human output of `port-registry`, on real reports over a small IANA-format registry. */
const reports = fixtureReports();
const plain = { color: false };
const EPHEMERAL_NO =
  '  Ephemeral: no (Linux 32768-60999, Windows/macOS 49152-65535, FreeBSD 10000-65535)';

function lines(text: string): string[] {
  return text.split('\n');
}

describe('formatPortReport', () => {
  it('shows 443 as https on three protocols, a privileged system port, not ephemeral', () => {
    expect(formatPortReport(reports.port(443), plain)).toBe(
      [
        '443  https (tcp, udp, sctp)   System port (0-1023), privileged',
        '  tcp   assigned    https        http protocol over TLS/SSL',
        '  udp   assigned    https        http protocol over TLS/SSL',
        '  sctp  assigned    https        HTTPS',
        '  dccp  unassigned',
        EPHEMERAL_NO,
      ].join('\n'),
    );
  });

  it('limits 53/udp to udp and shows its curated warning with the source', () => {
    const output = formatPortReport(reports.port(53, 'udp'), plain);
    expect(lines(output).slice(0, 3)).toEqual([
      '53  domain (udp)   System port (0-1023), privileged',
      '  udp   assigned    domain       Domain Name Server',
      EPHEMERAL_NO,
    ]);
    expect(output).toContain(
      '  Notes:\n    warning  udp: DNS can be abused for reflection attacks',
    );
    expect(output).toMatch(/\(CISA TA14-017A\)$/);
  });

  it('leaves out notes about protocols that were not asked for (browsers and tcp on 53/udp)', () => {
    expect(formatPortReport(reports.port(53), plain)).toMatch(/Browsers refuse/);
    expect(formatPortReport(reports.port(53, 'udp'), plain)).not.toMatch(/Browsers refuse/);
  });

  it('lists the other names of a port under its primary name', () => {
    const output = lines(formatPortReport(reports.port(80), plain));
    expect(output[1]).toBe('  tcp   assigned    http         World Wide Web HTTP');
    expect(output[2]).toBe('                    also www, www-http');
  });

  it('names the statuses when no protocol has a primary name (port 0 is reserved)', () => {
    expect(lines(formatPortReport(reports.port(0), plain))[0]).toBe(
      '0  reserved (tcp, udp)   System port (0-1023), privileged',
    );
  });

  it('shows a reserved protocol beside an assigned one (143)', () => {
    const output = lines(formatPortReport(reports.port(143), plain));
    expect(output[0]).toBe('143  imap (tcp)   System port (0-1023), privileged');
    expect(output).toContain('  udp   reserved');
  });

  it('shows the whole range of an entry covering the port (x11 on 6003)', () => {
    expect(formatPortReport(reports.port(6003), plain)).toContain(
      '  tcp   assigned    x11          X Window System (ports 6000-6063)',
    );
  });

  it('says which systems may hand out 40000 as a client port, and which may not', () => {
    expect(formatPortReport(reports.port(40000), plain)).toContain(
      '  Ephemeral: yes on Linux 32768-60999, FreeBSD 10000-65535 (not Windows/macOS 49152-65535)',
    );
  });

  it('marks 50000 as dynamic, ephemeral everywhere, with the RFC 6335 warning', () => {
    const output = formatPortReport(reports.port(50000), plain);
    expect(lines(output)[0]).toBe('50000  unassigned   Dynamic port (49152-65535)');
    expect(output).toContain(
      '  Ephemeral: yes on Linux 32768-60999, Windows/macOS 49152-65535, FreeBSD 10000-65535',
    );
    expect(output).toMatch(/warning {2}Dynamic \(private, ephemeral\) port/);
    // The ephemeral note is the Ephemeral line already.
    expect(output).not.toMatch(/Inside the default ephemeral/);
  });

  it('moves the kind of port to its own line when the names fill the headline', () => {
    expect(lines(formatPortReport(reports.port(40002), plain)).slice(0, 2)).toEqual([
      '40002  tcp-long-name-a (tcp), udp-long-name-b (udp), sctp-longname-c (sctp), dccp-longname-d (dccp)',
      '  User port (1024-49151)',
    ]);
  });

  it('cuts a long description to keep the line within 100 characters', () => {
    const row = lines(formatPortReport(reports.port(40000), plain))[1] ?? '';
    expect(row.length).toBeLessThanOrEqual(MAX_LINE_WIDTH);
    expect(row).toMatch(/^ {2}tcp {3}assigned {4}wordy {8}A service whose description .*\.\.\.$/);
  });
});

describe('formatServiceReport', () => {
  it('shows postgresql with one line per protocol and the port to connect to', () => {
    const report = reports.service('postgresql');
    const resolution = reports.resolve('postgresql');
    expect(formatServiceReport(report, { ...plain, asked: 'postgresql', resolution })).toBe(
      [
        'postgresql  PostgreSQL Database',
        '  tcp   5432   assigned    primary  PostgreSQL Database',
        '  udp   5432   assigned    primary  PostgreSQL Database',
        '  Connect to: 5432/tcp',
      ].join('\n'),
    );
  });

  it('answers the alias WWW with http, its aliases, and says it was an alias', () => {
    const output = formatServiceReport(reports.service('WWW'), {
      ...plain,
      asked: 'WWW',
      resolution: reports.resolve('WWW'),
    });
    expect(output).toBe(
      [
        'http  World Wide Web HTTP  (WWW is an alias of http)',
        '  Aliases: www, www-http',
        '  tcp   80     assigned    primary  World Wide Web HTTP',
        '  udp   80     assigned    primary  World Wide Web HTTP',
        '  sctp  80     assigned    primary  HTTP',
        '  Connect to: 80/tcp',
      ].join('\n'),
    );
  });

  it('does not call a name an alias when only its case differs', () => {
    const output = formatServiceReport(reports.service('HTTP'), { ...plain, asked: 'HTTP' });
    expect(lines(output)[0]).toBe('http  World Wide Web HTTP');
  });

  it('lists an entry without a port (a DNS-SD name) as "no port"', () => {
    const output = formatServiceReport(reports.service('https'), plain);
    expect(output).toContain('  tcp   no port  assigned             HTTP over SSL/TLS');
  });

  it('writes a range of ports as start-end', () => {
    const output = formatServiceReport(reports.service('x11'), plain);
    expect(output).toContain('  tcp   6000-6063  assigned    primary  X Window System');
  });

  it('suggests the protocols a service has when it has no port for the one asked', () => {
    const output = formatServiceReport(reports.service('udponly'), {
      ...plain,
      resolution: reports.resolve('udponly', 'tcp'),
    });
    expect(lines(output).at(-1)).toBe('  Connect to: no tcp port (try --protocol udp)');
  });

  it('leaves out the connect line when no resolution was asked', () => {
    expect(formatServiceReport(reports.service('postgresql'), plain)).not.toMatch(/Connect to/);
  });
});

describe('colour', () => {
  const samples = (color: boolean): string[] => [
    ...[0, 53, 80, 143, 443, 6003, 40000, 40002, 50000].map((port) =>
      formatPortReport(reports.port(port), { color }),
    ),
    ...['postgresql', 'www', 'https', 'x11', 'udponly', 'wordy'].map((name) =>
      formatServiceReport(reports.service(name), {
        color,
        asked: name,
        resolution: reports.resolve(name),
      }),
    ),
  ];

  it('adds no escape code without colour', () => {
    for (const text of samples(false)) expect(text).not.toContain('\u001b');
  });

  it('adds ANSI codes with colour and nothing else: stripped, the text is the plain one', () => {
    const colored = samples(true);
    const uncolored = samples(false);
    colored.forEach((text, position) => {
      expect(text).toContain('\u001b[');
      expect(stripAnsi(text)).toBe(uncolored[position]);
    });
  });

  it('keeps every line within 100 characters and without trailing spaces', () => {
    for (const text of samples(false)) {
      for (const line of lines(text)) {
        expect(line.length).toBeLessThanOrEqual(MAX_LINE_WIDTH);
        expect(line).toBe(line.trimEnd());
      }
    }
  });
});
