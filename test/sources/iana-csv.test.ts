import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RegistryFormatError } from '../../src/sources/entry.js';
import { parseIanaCsv } from '../../src/sources/iana-csv.js';

const HEADER =
  'Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,' +
  'Modification Date,Reference,Service Code,Known Unauthorized Uses,Assignment Notes';

/** A CSV file with the current header and the given data lines. */
function csv(...lines: string[]): string {
  return [HEADER, ...lines].join('\n') + '\n';
}

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/sources/${name}`, import.meta.url));
}

/** The RegistryFormatError message `action` throws; fails when it throws nothing or another type. */
function formatError(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryFormatError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a RegistryFormatError');
}

describe('parseIanaCsv: headers', () => {
  it('reads the current header with a UTF-8 BOM and CRLF line ends', () => {
    const [http, dnsix] = parseIanaCsv(fixture('service-names-bom-crlf.csv'));
    expect(http).toMatchObject({ serviceName: 'http', portStart: 80, protocol: 'tcp' });
    expect(http?.notes).toBe('Defined TXT keys: u=<username> p=<password> path=<path to document>');
    expect(dnsix?.unauthorizedUse).toBe('PORT 90 also being used unofficially by Pointcast');
  });

  it('reads the older "Unauthorized Use Reported" header spelling', () => {
    const [finger, unassigned] = parseIanaCsv(fixture('service-names-old-header.csv'));
    expect(finger?.unauthorizedUse).toBe(
      'Unauthorized use by some mail users (see [RFC4146] for details)',
    );
    expect(unassigned).toMatchObject({ portStart: 100, protocol: null, status: 'unassigned' });
  });

  it('matches headers by name, trimmed and case-insensitive, in any order', () => {
    const text = ' port number ,SERVICE NAME,Transport Protocol\n443,https,tcp\n';
    expect(parseIanaCsv(text)[0]).toMatchObject({
      serviceName: 'https',
      portStart: 443,
      description: null,
      references: [],
    });
  });
});

describe('parseIanaCsv: rows the importer must survive', () => {
  it('keeps a nameless Reserved row with a null name', () => {
    const [row] = parseIanaCsv(csv(',0,tcp,Reserved,,,,2024-12-20,[RFC6335],,,'));
    expect(row).toMatchObject({ serviceName: null, portStart: 0, status: 'reserved' });
  });

  it('reads an empty protocol as null', () => {
    const [row] = parseIanaCsv(csv(',81,,Unassigned,,,,2007-09-06,,,,'));
    expect(row?.protocol).toBeNull();
  });

  it('reads a port range into start and end', () => {
    const [row] = parseIanaCsv(csv('x11,6000-6063,tcp,X Window System,[Stephen_Gildea],,,,,,,'));
    expect(row).toMatchObject({ portStart: 6000, portEnd: 6063 });
  });

  it('reads an empty port as a name-only entry', () => {
    const [row] = parseIanaCsv(csv('rdp,,,Reliable Data Protocol,,,,,,,,'));
    expect(row).toMatchObject({ serviceName: 'rdp', portStart: null, portEnd: null });
  });

  it('keeps multi-line quoted descriptions and notes whole', () => {
    const rows = parseIanaCsv(
      csv(
        'whoispp,63,tcp,"whois++',
        'IANA assigned this well-formed service name as a replacement for ""whois++"".",,,,,,,,',
        'whois++,63,tcp,whois++,,,,,,,,"This entry is an alias to ""whoispp"".',
        'This entry is now historic."',
      ),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]?.description).toBe(
      'whois++\nIANA assigned this well-formed service name as a replacement for "whois++".',
    );
    expect(rows[1]?.notes).toBe(
      'This entry is an alias to "whoispp".\nThis entry is now historic.',
    );
  });

  it('keeps several names on one port as separate records in file order', () => {
    const rows = parseIanaCsv(
      csv(
        'http,80,tcp,World Wide Web HTTP,,,,,,,,',
        'www,80,tcp,World Wide Web HTTP,,,,,,,,',
        'www-http,80,tcp,World Wide Web HTTP,,,,,,,,',
      ),
    );
    expect(rows.map((row) => row.serviceName)).toEqual(['http', 'www', 'www-http']);
  });

  it('keeps dates of day and month precision and drops anything else', () => {
    const rows = parseIanaCsv(
      csv(
        'a-svc,1001,tcp,A,,,2007-01,2021-02-22,,,,',
        'b-svc,1002,tcp,B,,,sometime,2021-13-01,,,,',
      ),
    );
    expect(rows[0]).toMatchObject({ registered: '2007-01', modified: '2021-02-22' });
    expect(rows[1]).toMatchObject({ registered: null, modified: null });
  });

  it('joins several bracketed assignee and contact ids with a comma', () => {
    const [row] = parseIanaCsv(
      csv(
        'nas,991,tcp,Netnews Administration System,[Vera_Heinau][Heiko_Schlichting],[IESG],,,,,,',
      ),
    );
    expect(row).toMatchObject({ assignee: 'Vera_Heinau, Heiko_Schlichting', contact: 'IESG' });
  });

  it('splits bracketed references into a list without brackets', () => {
    const [row] = parseIanaCsv(
      csv('imap,143,tcp,Internet Message Access Protocol,,,,,[RFC3501][RFC9051],,,'),
    );
    expect(row?.references).toEqual(['RFC3501', 'RFC9051']);
  });

  it('keeps the DCCP service code', () => {
    const [row] = parseIanaCsv(
      csv('discard,9,dccp,Discard,[Eddie_Kohler],,,,[RFC4340],1145656131,,'),
    );
    expect(row).toMatchObject({ protocol: 'dccp', serviceCode: '1145656131' });
  });

  it('trims values and turns empty strings into null', () => {
    const [row] = parseIanaCsv(csv('  echo  , 7 , TCP ,  Echo  ,  ,,,,,,,   '));
    expect(row).toMatchObject({
      serviceName: 'echo',
      portStart: 7,
      protocol: 'tcp',
      description: 'Echo',
      assignee: null,
      notes: null,
    });
  });

  it('removes e-mail addresses from free text', () => {
    const [row] = parseIanaCsv(csv('xadmin,9105,tcp,X,,,,,[Some One <xadmin&example.nl> 2009],,,'));
    expect(row?.references).toEqual(['Some One (address removed) 2009']);
  });
});

describe('parseIanaCsv: status rules', () => {
  const statusOf = (name: string, description: string) =>
    parseIanaCsv(csv(`${name},300,tcp,"${description}",,,,,,,,`))[0]?.status;

  it('marks a named row assigned', () => expect(statusOf('echo', 'Echo')).toBe('assigned'));
  it('marks "Unassigned" and "unassigned" rows unassigned', () => {
    expect(statusOf('', 'Unassigned')).toBe('unassigned');
    expect(statusOf('', 'unassigned')).toBe('unassigned');
    expect(statusOf('', 'Unassigned [was netstat]')).toBe('unassigned');
    expect(statusOf('', '(unassigned) Possibly assigned')).toBe('unassigned');
  });
  it('marks "any private ..." rows assigned', () =>
    expect(statusOf('', 'any private mail system')).toBe('assigned'));
  it('marks Reserved, De-registered, Removed and other nameless rows reserved', () => {
    for (const description of [
      'Reserved',
      'De-registered',
      'Removed',
      'Deprecated',
      'Decomissioned Port 04/14/00, ms',
      'Possibly used by Sun Solaris????',
    ]) {
      expect(statusOf('', description)).toBe('reserved');
    }
  });
});

describe('parseIanaCsv: malformed files throw a one-line RegistryFormatError', () => {
  it('a truncated file (unclosed quote)', () => {
    expect(formatError(() => parseIanaCsv(fixture('truncated.csv')))).toMatch(
      /^IANA CSV: Quote Not Closed/,
    );
  });

  it('a non-numeric port, naming the line', () => {
    const message = formatError(() =>
      parseIanaCsv(csv('echo,7,tcp,Echo,,,,,,,,', 'http,80abc,tcp,HTTP,,,,,,,,')),
    );
    expect(message).toBe('IANA CSV line 3: port "80abc" is not a number or range');
  });

  it('a port above 65535', () => {
    expect(formatError(() => parseIanaCsv(csv('big,65536,tcp,Too big,,,,,,,,')))).toContain(
      'port 65536 is outside 0-65535',
    );
  });

  it('a negative port', () => {
    expect(formatError(() => parseIanaCsv(csv('neg,-1,tcp,Negative,,,,,,,,')))).toContain(
      'port "-1" is not a number',
    );
  });

  it('a range that starts after it ends', () => {
    expect(formatError(() => parseIanaCsv(csv('back,20-10,tcp,Backwards,,,,,,,,')))).toContain(
      'port range 20-10 starts after it ends',
    );
  });

  it('an unknown protocol', () => {
    expect(formatError(() => parseIanaCsv(csv('quic,443,quic,QUIC,,,,,,,,')))).toContain(
      'unknown transport protocol "quic"',
    );
  });

  it('names the line a record starts on after a multi-line record', () => {
    const text = csv('multi,1,tcp,"line one', 'line two",,,,,,,,', 'bad,2,xtp,Bad,,,,,,,,');
    expect(formatError(() => parseIanaCsv(text))).toMatch(/^IANA CSV line 4: /);
  });

  it('a file without the required header columns', () => {
    expect(formatError(() => parseIanaCsv('name,port,proto\nhttp,80,tcp\n'))).toMatch(
      /no recognisable header/,
    );
  });

  it('an empty file', () => {
    expect(formatError(() => parseIanaCsv(''))).toBe('IANA CSV: the file is empty');
  });

  it('a header without data rows', () => {
    expect(formatError(() => parseIanaCsv(`${HEADER}\n`))).toMatch(/no data rows/);
  });

  it('a row with a different number of fields', () => {
    expect(formatError(() => parseIanaCsv(csv('echo,7,tcp')))).toMatch(
      /^IANA CSV: Invalid Record Length/,
    );
  });
});
