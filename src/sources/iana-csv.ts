/** IANA's `service-names-port-numbers.csv` (FACTS.md section 4) into registry entry records. */
import { parse } from 'csv-parse/sync';
import { RegistryFormatError, type EntrySource, type RegistryEntryRecord } from './entry.js';
import {
  bracketedItems,
  cleanText,
  joinPeople,
  normaliseReference,
  parsePortField,
  parseProtocolField,
  parseRegistryDate,
  registryStatus,
} from './iana-fields.js';

/** Accepted header spellings per field, compared trimmed and lower-cased. */
const COLUMN_NAMES = {
  serviceName: ['service name'],
  port: ['port number'],
  protocol: ['transport protocol'],
  description: ['description'],
  assignee: ['assignee'],
  contact: ['contact'],
  registered: ['registration date'],
  modified: ['modification date'],
  reference: ['reference'],
  serviceCode: ['service code'],
  // Renamed from "Unauthorized Use Reported" in newer files.
  unauthorizedUse: ['known unauthorized uses', 'unauthorized use reported'],
  notes: ['assignment notes'],
} as const;

type Field = keyof typeof COLUMN_NAMES;
const REQUIRED: readonly Field[] = ['serviceName', 'port', 'protocol'];

interface CsvRow {
  fields: string[];
  /** 1-based line where the record starts (records may span lines). */
  line: number;
}

/**
 * Parses the CSV. Assignee and contact hold IANA's person ids without brackets, several joined
 * with ", " (`[A][B]` -> `A, B`): only the XML maps ids to names, so the CSV keeps the ids.
 * Throws RegistryFormatError for a file that is not this registry, truncated or malformed.
 */
export function parseIanaCsv(
  text: string | Buffer,
  source: EntrySource = 'iana-csv',
): RegistryEntryRecord[] {
  const rows = readRows(text);
  const header = rows[0];
  if (header === undefined) {
    throw new RegistryFormatError('IANA CSV: the file is empty');
  }
  const columns = mapColumns(header.fields);
  if (rows.length < 2) {
    throw new RegistryFormatError('IANA CSV: the file has a header but no data rows');
  }
  return rows.slice(1).map((row) => toRecord(row, columns, source));
}

function readRows(text: string | Buffer): CsvRow[] {
  let parsed: unknown[];
  try {
    parsed = parse(text, { bom: true, info: true, raw: true, skip_empty_lines: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RegistryFormatError(`IANA CSV: ${oneLine(message)}`);
  }
  return parsed.map(toCsvRow);
}

/** csv-parse types `info: true` output as string[][]; this checks the real shape. */
function toCsvRow(value: unknown): CsvRow {
  const item = value as { record?: unknown; raw?: unknown; info?: { lines?: unknown } };
  const fields = item.record;
  const lines = item.info?.lines;
  if (!Array.isArray(fields) || typeof lines !== 'number' || typeof item.raw !== 'string') {
    throw new RegistryFormatError('IANA CSV: unexpected csv-parse output');
  }
  // `lines` is where the record ends; count back the line breaks inside it.
  const body = item.raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '');
  const inner = body.split('\n').length - 1;
  return { fields: fields.map(String), line: lines - inner };
}

function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

type ColumnIndex = Partial<Record<Field, number>>;

function mapColumns(header: string[]): ColumnIndex {
  const normalised = header.map((name) => name.trim().toLowerCase());
  const columns: ColumnIndex = {};
  for (const field of Object.keys(COLUMN_NAMES) as Field[]) {
    const names: readonly string[] = COLUMN_NAMES[field];
    const index = normalised.findIndex((name) => names.includes(name));
    if (index >= 0) columns[field] = index;
  }
  const missing = REQUIRED.filter((field) => columns[field] === undefined);
  if (missing.length > 0) {
    const wanted = missing.map((field) => `"${headerLabel(field)}"`).join(', ');
    throw new RegistryFormatError(
      `IANA CSV: no recognisable header on line 1 (missing column ${wanted})`,
    );
  }
  return columns;
}

function headerLabel(field: Field): string {
  return COLUMN_NAMES[field][0].replace(/\b\w/g, (letter) => letter.toUpperCase());
}

function toRecord(row: CsvRow, columns: ColumnIndex, source: EntrySource): RegistryEntryRecord {
  const where = `IANA CSV line ${row.line}`;
  const cell = (field: Field): string | null => {
    const index = columns[field];
    return index === undefined ? null : (row.fields[index] ?? null);
  };
  const serviceName = cleanText(cell('serviceName'));
  const description = cleanText(cell('description'));
  const { portStart, portEnd } = parsePortField(cell('port'), where);
  return {
    serviceName,
    portStart,
    portEnd,
    protocol: parseProtocolField(cell('protocol'), where),
    status: registryStatus(serviceName, description),
    description,
    assignee: joinPeople(bracketedItems(cell('assignee'))),
    contact: joinPeople(bracketedItems(cell('contact'))),
    registered: parseRegistryDate(cell('registered')),
    modified: parseRegistryDate(cell('modified')),
    references: bracketedItems(cell('reference')).map(normaliseReference),
    serviceCode: cleanText(cell('serviceCode')),
    unauthorizedUse: cleanText(cell('unauthorizedUse')),
    notes: cleanText(cell('notes')),
    primary: false,
    legacy: false,
    source,
  };
}
