/** Post-processing shared by every parser's caller: primary and legacy flags, identity, hashes. */
import { createHash } from 'node:crypto';
import { serviceNameKey, serviceNameProblem } from '../domain/service-name.js';
import { RegistryFormatError, type RegistryEntryRecord, type RegistryFormat } from './entry.js';
import { parseEtcServices } from './etc-services.js';
import { parseIanaCsv } from './iana-csv.js';
import { quoted } from './iana-fields.js';
import { parseIanaXml } from './iana-xml.js';

/**
 * Notes by which IANA (and our /etc/services parser) marks a name as not the one to use:
 * `This entry is an alias to "whoispp".`, `This is a duplicate of the "http" service ...`,
 * `This entry is now historic ...`, `Alias of "http" in /etc/services`. Deliberately narrow:
 * "Historic usage was acms" or a TXT key called `alias` say nothing about the entry itself.
 */
const LEGACY_NOTES = [
  /\bis an alias (?:to|of)\b/i,
  /^alias of\b/im,
  /\bis a duplicate of\b/i,
  /\bis (?:now )?historic\b/i,
];

/** A named entry is legacy when its name breaks RFC 6335 section 5.1 or its notes retire it. */
export function isLegacyEntry(record: RegistryEntryRecord): boolean {
  if (record.serviceName === null) return false;
  if (serviceNameProblem(record.serviceName) !== null) return true;
  const notes = record.notes ?? '';
  return LEGACY_NOTES.some((pattern) => pattern.test(notes));
}

/** `80/tcp`, `6000-6063/tcp`, or `80/-` without a protocol: the key of `primaryOverrides`. */
export function portProtocolKey(record: RegistryEntryRecord): string | null {
  if (record.portStart === null) return null;
  const end = record.portEnd ?? record.portStart;
  const ports = end === record.portStart ? `${record.portStart}` : `${record.portStart}-${end}`;
  return `${ports}/${record.protocol ?? '-'}`;
}

/**
 * Returns copies with `legacy` and `primary` decided for the whole set. Per port (or range)
 * and protocol exactly one named, assigned entry is primary: the override's name when it is
 * among them, else the first non-legacy entry in file order (FACTS.md section 3: 80/tcp is
 * `http`, 63/tcp `whoispp`), else the first. Entries without a port are never primary.
 */
export function markPrimaryAndLegacy(
  records: readonly RegistryEntryRecord[],
  primaryOverrides?: ReadonlyMap<string, string>,
): RegistryEntryRecord[] {
  const marked = records.map((record) => ({
    ...record,
    legacy: isLegacyEntry(record),
    primary: false,
  }));
  const groups = new Map<string, RegistryEntryRecord[]>();
  for (const record of marked) {
    const key = portProtocolKey(record);
    if (key === null || record.serviceName === null || record.status !== 'assigned') continue;
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  for (const [key, group] of groups) {
    const override = primaryOverrides?.get(key);
    const wanted = override === undefined ? undefined : serviceNameKey(override);
    const chosen =
      group.find((record) => wanted !== undefined && nameKey(record) === wanted) ??
      group.find((record) => !record.legacy) ??
      group[0];
    if (chosen) chosen.primary = true;
  }
  return marked;
}

function nameKey(record: RegistryEntryRecord): string | null {
  return record.serviceName === null ? null : serviceNameKey(record.serviceName);
}

/** Natural identity of an entry: protocol, ports and lower-case name (or `~status`). */
export function entryKey(record: RegistryEntryRecord): string {
  const name = nameKey(record) ?? `~${record.status}`;
  return `${record.protocol ?? '-'}|${record.portStart ?? '-'}|${record.portEnd ?? '-'}|${name}`;
}

/**
 * Keys for a whole file: a key seen again gets `#2`, `#3`, ... in file order (the IANA CSV
 * lists the name-only `rdp` twice), so the same file always yields the same keys.
 */
export function assignEntryKeys(
  records: readonly RegistryEntryRecord[],
): Array<{ key: string; record: RegistryEntryRecord }> {
  const seen = new Map<string, number>();
  return records.map((record) => {
    const base = entryKey(record);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return { key: count === 1 ? base : `${base}#${count}`, record };
  });
}

/** Every field in a fixed order; typed so that a new field cannot be forgotten here. */
const HASHED_FIELDS: Record<keyof RegistryEntryRecord, true> = {
  serviceName: true,
  portStart: true,
  portEnd: true,
  protocol: true,
  status: true,
  description: true,
  assignee: true,
  contact: true,
  registered: true,
  modified: true,
  references: true,
  serviceCode: true,
  unauthorizedUse: true,
  notes: true,
  primary: true,
  legacy: true,
  source: true,
};
const FIELD_ORDER = Object.keys(HASHED_FIELDS) as Array<keyof RegistryEntryRecord>;

/** SHA-1 (hex) of a canonical JSON of all fields: equal records hash equal across runs. */
export function contentHash(record: RegistryEntryRecord): string {
  const canonical = JSON.stringify(FIELD_ORDER.map((field) => [field, record[field] ?? null]));
  return createHash('sha1').update(canonical).digest('hex');
}

/**
 * Format by extension (`.csv`, `.xml`, a file called `services`), else by content: XML starts
 * with `<?xml` or holds `<registry`, the CSV header names "Service Name", anything else is
 * read as services(5).
 */
export function detectFormat(pathOrUrl: string, head: string): RegistryFormat {
  const path = (pathOrUrl.split(/[?#]/)[0] ?? '').toLowerCase();
  if (path.endsWith('.csv')) return 'csv';
  if (path.endsWith('.xml')) return 'xml';
  if (/(?:^|[/\\.])services$/.test(path)) return 'services';
  const start = head.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<?xml') || /<registry[\s>]/.test(start)) return 'xml';
  const firstLine = start.split(/\r?\n/, 1)[0] ?? '';
  if (/service name/i.test(firstLine)) return 'csv';
  return 'services';
}

/** Parses a registry file of a known format and marks primaries and legacy names. */
export function parseRegistryFile(
  text: string | Buffer,
  format: string,
  primaryOverrides?: ReadonlyMap<string, string>,
): RegistryEntryRecord[] {
  return markPrimaryAndLegacy(parseByFormat(text, format), primaryOverrides);
}

function parseByFormat(text: string | Buffer, format: string): RegistryEntryRecord[] {
  switch (format) {
    case 'csv':
      return parseIanaCsv(text);
    case 'xml':
      return parseIanaXml(text);
    case 'services':
      return parseEtcServices(text);
    default:
      throw new RegistryFormatError(
        `unknown registry format ${quoted(format)} (expected csv, xml or services)`,
      );
  }
}
