/**
 * What kind of port a number is: its RFC 6335 range, whether binding it needs privilege, and
 * which operating systems may hand it out as a client port (FACTS.md sections 1 and 2).
 */
import {
  CURRENT_EPHEMERAL_RANGES,
  PORT_BANDS,
  PORT_RANGES,
  PRIVILEGED_PORTS,
  type EphemeralRange,
  type EphemeralSystem,
  type PortBand,
  type PortRange,
  type PortRangeId,
} from './port-ranges.js';
import { MAX_PORT, MIN_PORT, isPort } from './protocols.js';

/** Input that is not a port (or a port range, or a protocol of one); `field` names the input. */
export class InvalidPortError extends Error {
  override readonly name = 'InvalidPortError';
  readonly field: string;
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`${field} ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

export const PORT_NUMBER_REASON = `must be an integer from ${MIN_PORT} to ${MAX_PORT}`;

/** Returns `value` when it is an integer 0-65535, else throws InvalidPortError for `field`. */
export function checkPort(value: number, field = 'port'): number {
  if (!isPort(value)) throw new InvalidPortError(field, PORT_NUMBER_REASON);
  return value;
}

/** One flag per system of PortReport `classification.ephemeral`. */
export interface EphemeralFlags {
  iana: boolean;
  linux: boolean;
  windows: boolean;
  macos: boolean;
  freebsd: boolean;
}

/** PortReport `classification` (SPEC.md section 5). */
export interface PortClassification {
  range: PortRangeId;
  label: string;
  start: number;
  end: number;
  privileged: boolean;
  ephemeral: EphemeralFlags;
}

function currentRangeOf(system: EphemeralSystem): EphemeralRange {
  const rows = CURRENT_EPHEMERAL_RANGES.filter((row) => row.family === system);
  const [row] = rows;
  if (row === undefined || rows.length !== 1) {
    throw new Error(`port-ranges: expected one current ephemeral range for ${system}`);
  }
  return row;
}

const CURRENT_BY_SYSTEM: Readonly<Record<EphemeralSystem, EphemeralRange>> = {
  iana: currentRangeOf('iana'),
  linux: currentRangeOf('linux'),
  windows: currentRangeOf('windows'),
  macos: currentRangeOf('macos'),
  freebsd: currentRangeOf('freebsd'),
};

function holds(row: { start: number; end: number }, port: number): boolean {
  return port >= row.start && port <= row.end;
}

function overlaps(row: { start: number; end: number }, start: number, end: number): boolean {
  return start <= row.end && end >= row.start;
}

function rangeOf(port: number): PortRange {
  const range = PORT_RANGES.find((row) => holds(row, port));
  if (range === undefined) throw new InvalidPortError('port', PORT_NUMBER_REASON);
  return range;
}

/** Classifies one port; throws InvalidPortError for anything but an integer 0-65535. */
export function classifyPort(port: number): PortClassification {
  checkPort(port);
  const range = rangeOf(port);
  const isEphemeralOn = (system: EphemeralSystem): boolean =>
    holds(CURRENT_BY_SYSTEM[system], port);
  return {
    range: range.id,
    label: range.label,
    start: range.start,
    end: range.end,
    // Linux: binding below ip_unprivileged_port_start (default 1024) needs CAP_NET_BIND_SERVICE.
    privileged: port < PRIVILEGED_PORTS.below,
    ephemeral: {
      iana: isEphemeralOn('iana'),
      linux: isEphemeralOn('linux'),
      windows: isEphemeralOn('windows'),
      macos: isEphemeralOn('macos'),
      freebsd: isEphemeralOn('freebsd'),
    },
  };
}

function checkSpan(portStart: number, portEnd: number): void {
  checkPort(portStart, 'portStart');
  checkPort(portEnd, 'portEnd');
  if (portStart > portEnd) {
    throw new InvalidPortError('portEnd', 'must not be less than portStart');
  }
}

/**
 * Current systems whose default ephemeral range holds the port (or overlaps portStart-portEnd),
 * labelled for warnings such as "Linux 32768-60999".
 */
export function ephemeralSystems(portStart: number, portEnd: number = portStart): string[] {
  checkSpan(portStart, portEnd);
  return CURRENT_EPHEMERAL_RANGES.filter((row) => overlaps(row, portStart, portEnd)).map(
    (row) => `${row.name} ${row.start}-${row.end}`,
  );
}

/** Other notable bands (Kubernetes NodePort, Nomad) holding the port or overlapping the span. */
export function bandsContaining(portStart: number, portEnd: number = portStart): PortBand[] {
  checkSpan(portStart, portEnd);
  return PORT_BANDS.filter((band) => overlaps(band, portStart, portEnd)).map((band) => ({
    ...band,
  }));
}
