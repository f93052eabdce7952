import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RegistryFormatError, type RegistryEntryRecord } from '../../src/sources/entry.js';
import { parseIanaXml } from '../../src/sources/iana-xml.js';

const XML = readFileSync(new URL('../fixtures/sources/service-names.xml', import.meta.url), 'utf8');
const records = parseIanaXml(XML);

function find(name: string | null, port: number | null, protocol?: string): RegistryEntryRecord {
  const record = records.find(
    (entry) =>
      entry.serviceName === name &&
      entry.portStart === port &&
      (protocol === undefined || entry.protocol === protocol),
  );
  if (!record) throw new Error(`no record ${name} ${port}`);
  return record;
}

function formatError(text: string): string {
  try {
    parseIanaXml(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryFormatError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a RegistryFormatError');
}

const wrap = (body: string) =>
  `<?xml version='1.0' encoding='UTF-8'?>\n<registry xmlns="http://www.iana.org/assignments" id="service-names-port-numbers">${body}</registry>`;

describe('parseIanaXml', () => {
  it('reads every record, including nameless, range and name-only ones', () => {
    expect(records).toHaveLength(16);
    expect(records.every((record) => record.source === 'iana-xml')).toBe(true);
  });

  it('resolves a bare person xref to the person name as both assignee and contact', () => {
    expect(find('echo', 7)).toMatchObject({ assignee: 'Jon Postel', contact: 'Jon Postel' });
  });

  it('takes the assignee from <assignee> and the contact from the bare person xref', () => {
    expect(find('http', 80)).toMatchObject({
      assignee: 'IESG',
      contact: 'IETF Chair',
      registered: '2017-05-18',
      modified: '2021-10-01',
      references: ['RFC9110'],
    });
  });

  it('joins several assignees, uses <org> when a person has no name, reads <contact>', () => {
    expect(find('example-svc', 4000)).toMatchObject({
      assignee: 'Acme Networks, Pat Example',
      contact: 'Pat Example',
    });
  });

  it('keeps the id of a person missing from <people>', () => {
    expect(find('rdp', null)).toMatchObject({
      protocol: null,
      portEnd: null,
      assignee: 'Unlisted_Person',
    });
  });

  it('never puts an e-mail address into any record', () => {
    const addresses = [...XML.matchAll(/mailto:([^<]+)/g)].map((match) =>
      (match[1] ?? '').replace('&amp;', '&'),
    );
    expect(addresses).toHaveLength(10);
    const text = JSON.stringify(records);
    expect(text).not.toMatch(/mailto|@/);
    for (const address of addresses) expect(text).not.toContain(address);
  });

  it('turns rfc xrefs into RFC references and keeps draft, uri and text xrefs as given', () => {
    expect(find('example-svc', 4000).references).toEqual([
      'draft-example-service-03',
      'https://www.example.com/protocol',
      'Vendor protocol manual',
    ]);
    expect(find('discard', 9, 'dccp').references).toEqual(['RFC4340']);
  });

  it('renders an inline xref in prose as a bracketed reference', () => {
    expect(find('example-svc', 4000).description).toBe(
      'Service whose record cites [RFC4146] in its description',
    );
  });

  it('reads ranges, service codes, unauthorized uses, notes and entities', () => {
    expect(find('x11', 6000)).toMatchObject({ portEnd: 6063 });
    expect(find('discard', 9, 'dccp').serviceCode).toBe('1145656131');
    expect(find('finger', 79).unauthorizedUse).toContain('[RFC4146]');
    expect(find('ssh', 22)).toMatchObject({
      notes: 'Defined TXT keys: u=<username> p=<password>',
      registered: '2001-01',
      modified: '2021-03-02',
    });
  });

  it('applies the same status rules as the CSV', () => {
    expect(find(null, 0).status).toBe('reserved');
    expect(find(null, 9, 'udp').status).toBe('reserved');
    expect(find(null, 15).status).toBe('unassigned');
    expect(find(null, 24).status).toBe('assigned');
    expect(find(null, 81)).toMatchObject({
      status: 'unassigned',
      protocol: null,
      modified: '2007-09-06',
    });
  });

  it('accepts a Buffer with a BOM', () => {
    expect(parseIanaXml(Buffer.from(`\uFEFF${XML}`))).toHaveLength(16);
  });
});

describe('parseIanaXml: bad files throw a one-line RegistryFormatError', () => {
  it('malformed XML, naming the line', () => {
    expect(formatError(wrap('<record><name>echo</record>'))).toMatch(/^IANA XML line 2: /);
  });

  it('another registry', () => {
    expect(formatError('<registry id="protocol-numbers"><record/></registry>')).toMatch(
      /not the service-names-port-numbers registry/,
    );
  });

  it('no records', () => {
    expect(formatError(wrap('<title>Empty</title>'))).toBe('IANA XML: the registry has no records');
  });

  it('an empty file', () => {
    expect(formatError('  ')).toBe('IANA XML: the file is empty');
  });

  it('a bad port, naming the record', () => {
    const body =
      '<record><name>a</name><protocol>tcp</protocol><number>1</number></record>' +
      '<record><name>b</name><protocol>tcp</protocol><number>70000</number></record>';
    expect(formatError(wrap(body))).toBe('IANA XML record 2: port 70000 is outside 0-65535');
  });

  it('an unknown protocol', () => {
    const body = '<record><name>a</name><protocol>ddp</protocol><number>1</number></record>';
    expect(formatError(wrap(body))).toContain('unknown transport protocol "ddp"');
  });
});
