/** IANA's `service-names-port-numbers.xml` (FACTS.md section 4) into registry entry records. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { RegistryFormatError, type EntrySource, type RegistryEntryRecord } from './entry.js';
import {
  cleanText,
  joinPeople,
  normaliseReference,
  parsePortField,
  parseProtocolField,
  parseRegistryDate,
  redactEmailAddresses,
  registryStatus,
} from './iana-fields.js';
import {
  attributes,
  childElements,
  firstChild,
  isElement,
  tagName,
  textContent,
  type XmlNode,
} from './xml-nodes.js';

const REGISTRY_ID = 'service-names-port-numbers';

/** Display names by IANA person id; e-mail and other `<uri>` values are never read. */
type People = Map<string, string>;

/**
 * Parses the XML. Differences from the CSV, all deliberate:
 * - assignee and contact are resolved to the person's `<name>` (or `<org>`) from `<people>`;
 *   an id missing from `<people>` stays as the id. `<uri>` (mailto:) is never read.
 * - IANA writes the contact as a bare `<xref type="person">` child of `<record>`; without an
 *   `<assignee>` element the same person is the assignee too (this is how the CSV shows it).
 * - `<xref type="rfc" data="rfc6335">` becomes reference `RFC6335`; other xref types (draft,
 *   uri, text, ...) keep their `data` as the reference, or the element's text without `data`.
 * - `<record date>` is the registration date and `updated` the modification date.
 * Order is preserved (fast-xml-parser `preserveOrder`) so text around inline xrefs in
 * descriptions and notes reads as in the file.
 */
export function parseIanaXml(
  text: string | Buffer,
  source: EntrySource = 'iana-xml',
): RegistryEntryRecord[] {
  const xml = (typeof text === 'string' ? text : text.toString('utf8')).replace(/^\uFEFF/, '');
  if (xml.trim() === '') throw new RegistryFormatError('IANA XML: the file is empty');
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw new RegistryFormatError(`IANA XML line ${line}: ${msg.replace(/\s+/g, ' ')}`);
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const nodes = parser.parse(xml) as XmlNode[];
  const root = nodes.find((node) => isElement(node) && tagName(node) === 'registry');
  if (root === undefined || attributes(root).id !== REGISTRY_ID) {
    throw new RegistryFormatError(
      `IANA XML: not the service-names-port-numbers registry (no <registry id="${REGISTRY_ID}">)`,
    );
  }
  const people = readPeople(root);
  const records = collectRecords(root);
  if (records.length === 0) throw new RegistryFormatError('IANA XML: the registry has no records');
  return records.map((record, index) => toRecord(record, index + 1, people, source));
}

/** Records sit in the root registry, or in sub-registries in some versions of the file. */
function collectRecords(registry: XmlNode): XmlNode[] {
  const records: XmlNode[] = [];
  for (const child of childElements(registry)) {
    if (tagName(child) === 'record') records.push(child);
    else if (tagName(child) === 'registry') records.push(...collectRecords(child));
  }
  return records;
}

function readPeople(root: XmlNode): People {
  const people: People = new Map();
  for (const section of childElements(root).filter((node) => tagName(node) === 'people')) {
    for (const person of childElements(section).filter((node) => tagName(node) === 'person')) {
      const id = attributes(person).id;
      if (!id) continue;
      const name = cleanText(textOf(firstChild(person, 'name')));
      const org = cleanText(textOf(firstChild(person, 'org')));
      people.set(id, name ?? org ?? id);
    }
  }
  return people;
}

function textOf(node: XmlNode | undefined): string | null {
  return node === undefined ? null : textContent(node, renderInlineXref);
}

/** Inline xrefs in prose read like the CSV does: `[RFC4146]`, or their own text. */
function renderInlineXref(xref: XmlNode): string {
  const inner = textContent(xref, () => '').trim();
  if (inner !== '') return inner;
  const { type, data } = attributes(xref);
  if (!data || type === 'person') return '';
  return `[${normaliseReference(data)}]`;
}

function toRecord(
  record: XmlNode,
  index: number,
  people: People,
  source: EntrySource,
): RegistryEntryRecord {
  const where = `IANA XML record ${index}`;
  const field = (tag: string): string | null => textOf(firstChild(record, tag));
  const serviceName = cleanText(field('name'));
  const description = cleanText(field('description'));
  const { portStart, portEnd } = parsePortField(field('number'), where);
  const { references, contacts } = readRecordXrefs(record, people);
  const assignees = personList(firstChild(record, 'assignee'), people);
  const contactElement = personList(firstChild(record, 'contact'), people);
  const allContacts = [...contactElement, ...contacts];
  const dates = attributes(record);
  return {
    serviceName,
    portStart,
    portEnd,
    protocol: parseProtocolField(field('protocol'), where),
    status: registryStatus(serviceName, description),
    description,
    assignee: joinPeople(assignees.length > 0 ? assignees : allContacts),
    contact: joinPeople(allContacts),
    registered: parseRegistryDate(dates.date),
    modified: parseRegistryDate(dates.updated),
    references,
    serviceCode: cleanText(field('sc')),
    unauthorizedUse: cleanText(field('unauthorized')),
    notes: cleanText(field('note')),
    primary: false,
    legacy: false,
    source,
  };
}

function readRecordXrefs(
  record: XmlNode,
  people: People,
): { references: string[]; contacts: string[] } {
  const references: string[] = [];
  const contacts: string[] = [];
  for (const xref of childElements(record).filter((node) => tagName(node) === 'xref')) {
    const { type, data } = attributes(xref);
    if (type === 'person') {
      if (data) contacts.push(people.get(data) ?? data);
      continue;
    }
    const reference = cleanText(data ?? textContent(xref, () => ''));
    if (reference !== null) references.push(normaliseReference(reference));
  }
  return { references: [...new Set(references)], contacts };
}

/** People of an `<assignee>` or `<contact>` element: person xrefs plus any plain text in it. */
function personList(element: XmlNode | undefined, people: People): string[] {
  if (element === undefined) return [];
  const names: string[] = [];
  for (const xref of childElements(element).filter((node) => tagName(node) === 'xref')) {
    const { type, data } = attributes(xref);
    if (type === 'person' && data) names.push(people.get(data) ?? data);
  }
  // Free text beside the xrefs is a name or an organisation, minus any address it carries.
  const prose = cleanText(
    redactEmailAddresses(
      textContent(element, () => ''),
      '',
    ),
  );
  if (prose !== null) names.unshift(prose);
  return names.map((name) => cleanText(name)).filter((name): name is string => name !== null);
}
