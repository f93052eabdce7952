/**
 * Strict parsing of port text from URLs, query strings and lookup items, shared by REST, GraphQL
 * and the command line. Only canonical decimal is accepted: ASCII digits, no sign, no spaces, no
 * leading zeros ("080" is refused), no exponent or hex, at most 5 digits. `Number()` and
 * `parseInt()` are not used on raw text because they accept " 80", "1e3", "0x50" and "80abc".
 */
import { InvalidPortError, PORT_NUMBER_REASON } from './classification.js';
import { MAX_PORT, PROTOCOLS, parseProtocol, type Protocol } from './protocols.js';

/** A single port or an inclusive range; `portStart === portEnd` for one port. */
export interface PortSpan {
  portStart: number;
  portEnd: number;
}

/** A lookup item such as `443`, `53/udp` or `6000-6063/tcp`. */
export interface PortSpec extends PortSpan {
  protocol: Protocol | null;
}

const CANONICAL_PORT = /^(0|[1-9][0-9]{0,4})$/;
const DIGITS = /^[0-9]+$/;
const PROTOCOL_TEXT = /^[A-Za-z]+$/;

export const PORT_TEXT_REASONS = {
  empty: 'must not be empty',
  notDecimal: `must be an integer from 0 to ${MAX_PORT} written in decimal digits`,
  leadingZero: 'must not have leading zeros',
  outOfRange: PORT_NUMBER_REASON,
  rangeShape: 'must be a port or a range such as 6000-6063',
  rangeOrder: 'must not start after it ends',
  specShape: 'must be a port or range with an optional protocol, such as 53/udp or 6000-6063/tcp',
  protocolEmpty: 'must not be empty after "/"',
  protocolUnknown: `must be one of ${PROTOCOLS.join(', ')}`,
} as const;

/** Parses canonical decimal port text ("0" to "65535"); throws InvalidPortError otherwise. */
export function parsePort(text: string, field = 'port'): number {
  if (text.length === 0) throw new InvalidPortError(field, PORT_TEXT_REASONS.empty);
  // ASCII digits only: other scripts' digits ("١٢٣") are not port numbers.
  if (!DIGITS.test(text)) throw new InvalidPortError(field, PORT_TEXT_REASONS.notDecimal);
  if (text.length > 1 && text.startsWith('0')) {
    throw new InvalidPortError(field, PORT_TEXT_REASONS.leadingZero);
  }
  // Digits without a leading zero fail the canonical form only by length, i.e. by size.
  if (!CANONICAL_PORT.test(text) || Number(text) > MAX_PORT) {
    throw new InvalidPortError(field, PORT_TEXT_REASONS.outOfRange);
  }
  return Number(text);
}

/** Parses `80` or `6000-6063` (inclusive, start not after end). */
export function parsePortRange(text: string, field = 'port'): PortSpan {
  if (text.length === 0) throw new InvalidPortError(field, PORT_TEXT_REASONS.empty);
  const parts = text.split('-');
  const [first, second] = parts;
  if (parts.length === 1 && first !== undefined) {
    const port = parsePort(first, field);
    return { portStart: port, portEnd: port };
  }
  if (parts.length !== 2 || !first || !second) {
    throw new InvalidPortError(field, PORT_TEXT_REASONS.rangeShape);
  }
  const portStart = parsePort(first, field);
  const portEnd = parsePort(second, field);
  if (portStart > portEnd) throw new InvalidPortError(field, PORT_TEXT_REASONS.rangeOrder);
  return { portStart, portEnd };
}

/**
 * Parses a lookup item: a port or range, optionally followed by `/` and one of the four
 * protocols (case-insensitive). A bad protocol is reported on the field `protocol`.
 */
export function parsePortSpec(text: string, field = 'port'): PortSpec {
  const parts = text.split('/');
  const [portText, protocolText] = parts;
  if (parts.length > 2 || portText === undefined) {
    throw new InvalidPortError(field, PORT_TEXT_REASONS.specShape);
  }
  const span = parsePortRange(portText, field);
  if (protocolText === undefined) return { ...span, protocol: null };
  if (protocolText.length === 0) {
    throw new InvalidPortError('protocol', PORT_TEXT_REASONS.protocolEmpty);
  }
  // parseProtocol trims; spaces inside an item are refused like everywhere else here.
  const protocol = PROTOCOL_TEXT.test(protocolText) ? parseProtocol(protocolText) : null;
  if (protocol === null) throw new InvalidPortError('protocol', PORT_TEXT_REASONS.protocolUnknown);
  return { ...span, protocol };
}
