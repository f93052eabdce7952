/**
 * The command line's answers for a person: a PortReport or ServiceReport (the REST shapes) as a
 * few aligned lines. Pure functions; colour is decided by the caller.
 */
import { CURRENT_EPHEMERAL_RANGES } from '../domain/port-ranges.js';
import { PROTOCOLS, type EntryStatus, type Protocol } from '../domain/protocols.js';
import { serviceNameKey } from '../domain/service-name.js';
import type { PortNote } from '../registry/port-notes.js';
import type { PortReport, Resolution, ServiceReport } from '../registry/reports.js';
import { MAX_LINE_WIDTH, painter, row, wrap, type Paint, type StyleName } from './terminal.js';

export interface FormatOptions {
  color: boolean;
}

export interface ServiceFormatOptions extends FormatOptions {
  /** The name as asked; an alias (`www`) is pointed out next to its primary name (`http`). */
  asked?: string;
  /** The port to connect to (`GET /v1/resolve/{name}`); null when the protocol has none. */
  resolution?: Resolution | null;
  /** The protocol the resolution was asked for (default tcp). */
  protocol?: Protocol;
}

const PROTOCOL_WIDTH = 4;
const STATUS_WIDTH = 10;
const NAME_WIDTH = 11;
const INDENT = 2;

const STATUS_STYLES: Record<EntryStatus, StyleName> = {
  assigned: 'green',
  reserved: 'yellow',
  unassigned: 'dim',
};

const SEVERITY_STYLES: Record<PortNote['severity'], StyleName> = {
  info: 'cyan',
  warning: 'yellow',
  critical: 'red',
};

const RANGE_NAMES: Record<PortReport['classification']['range'], string> = {
  system: 'System',
  user: 'User',
  dynamic: 'Dynamic',
};

/**
 * ```
 * 443  https (tcp, udp, sctp)   System port (0-1023), privileged
 *   tcp   assigned    https        http protocol over TLS/SSL
 *   dccp  unassigned
 *   Ephemeral: no (Linux 32768-60999, Windows/macOS 49152-65535, FreeBSD 10000-65535)
 * ```
 */
export function formatPortReport(report: PortReport, options: FormatOptions): string {
  const paint = painter(options.color);
  const nameWidth = Math.max(
    NAME_WIDTH,
    ...report.protocols.map((each) => (each.primary ?? '').length),
  );
  const lines = [portHeadline(paint, report)];
  for (const status of report.protocols) {
    const entry = report.iana.find(
      (candidate) => candidate.protocol === status.protocol && candidate.primary,
    );
    let description = entry?.description ?? '';
    if (entry && entry.portStart !== entry.portEnd) {
      description += ` (ports ${entry.portStart}-${entry.portEnd})`;
    }
    lines.push(
      row(paint, INDENT, [
        { text: status.protocol, width: PROTOCOL_WIDTH },
        { text: status.status, width: STATUS_WIDTH, style: STATUS_STYLES[status.status] },
        { text: status.primary ?? '', width: nameWidth, style: 'bold' },
        { text: description },
      ]),
    );
    const others = status.names.filter((name) => name !== status.primary);
    if (others.length > 0) {
      const indent = INDENT + PROTOCOL_WIDTH + 2 + STATUS_WIDTH + 2;
      lines.push(row(paint, indent, [{ text: `also ${others.join(', ')}`, style: 'dim' }]));
    }
  }
  lines.push(ephemeralLine(paint, report.classification.ephemeral));
  // A note about another protocol (browsers and tcp) says nothing about a udp-only question.
  const asked = new Set<Protocol>(report.protocols.map((status) => status.protocol));
  const notes = report.notes.filter((note) => note.protocol === null || asked.has(note.protocol));
  lines.push(...notesLines(paint, notes));
  return lines.join('\n');
}

function portHeadline(paint: Paint, report: PortReport): string {
  const { classification } = report;
  const range = `${RANGE_NAMES[classification.range]} port (${classification.start}-${classification.end})`;
  const kind = classification.privileged ? `${range}, privileged` : range;
  const port = String(report.port);
  const names = namesSummary(report);
  const head = `${paint('bold', port)}  ${paint('bold', names)}`;
  // Many names on one port: the kind of port moves to a line of its own.
  if (port.length + names.length + kind.length + 5 > MAX_LINE_WIDTH) {
    return `${head}\n${' '.repeat(INDENT)}${paint('dim', kind)}`;
  }
  return `${head}   ${paint('dim', kind)}`;
}

/** `https (tcp, udp, sctp)`; without a primary name, the statuses: `reserved (udp)`. */
function namesSummary(report: PortReport): string {
  const byPrimary = new Map<string, Protocol[]>();
  for (const status of report.protocols) {
    if (status.primary === null) continue;
    byPrimary.set(status.primary, [...(byPrimary.get(status.primary) ?? []), status.protocol]);
  }
  if (byPrimary.size > 0) return grouped(byPrimary);
  const byStatus = new Map<string, Protocol[]>();
  for (const status of report.protocols) {
    if (status.status === 'unassigned') continue;
    byStatus.set(status.status, [...(byStatus.get(status.status) ?? []), status.protocol]);
  }
  return byStatus.size > 0 ? grouped(byStatus) : 'unassigned';
}

function grouped(groups: Map<string, Protocol[]>): string {
  return [...groups].map(([label, protocols]) => `${label} (${protocols.join(', ')})`).join(', ');
}

/** Which systems may hand the port out as a client (source) port, with their ranges. */
function ephemeralLine(paint: Paint, flags: PortReport['classification']['ephemeral']): string {
  // IANA's range is the Dynamic range the headline already names; the systems are what bite.
  const groups: { names: string[]; range: string; inside: boolean }[] = [];
  for (const system of CURRENT_EPHEMERAL_RANGES) {
    if (system.family === 'iana') continue;
    const range = `${system.start}-${system.end}`;
    const inside = flags[system.family];
    const group = groups.find((each) => each.range === range && each.inside === inside);
    if (group) group.names.push(system.name);
    else groups.push({ names: [system.name], range, inside });
  }
  const label = (group: (typeof groups)[number]): string =>
    `${group.names.join('/')} ${group.range}`;
  const inside = groups.filter((group) => group.inside).map(label);
  const outside = groups.filter((group) => !group.inside).map(label);
  const lead = `${' '.repeat(INDENT)}Ephemeral: `;
  if (inside.length === 0) {
    return wrap(paint, lead, lead.length, [{ text: `no (${outside.join(', ')})` }]).join('\n');
  }
  const rest = outside.length > 0 ? ` (not ${outside.join(', ')})` : '';
  return wrap(paint, lead, lead.length, [
    { text: `yes on ${inside.join(', ')}`, style: 'yellow' },
    { text: rest },
  ]).join('\n');
}

/** Curated notes, worst first; the ephemeral note is already the Ephemeral line. */
function notesLines(paint: Paint, notes: PortNote[]): string[] {
  const order: PortNote['severity'][] = ['critical', 'warning', 'info'];
  const shown = notes
    .filter((note) => note.kind !== 'ephemeral')
    .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  if (shown.length === 0) return [];
  const lines = [`${' '.repeat(INDENT)}Notes:`];
  const severityWidth = Math.max(...shown.map((note) => note.severity.length));
  for (const note of shown) {
    const indent = ' '.repeat(INDENT * 2);
    const padding = ' '.repeat(severityWidth - note.severity.length + 2);
    const lead = `${indent}${paint(SEVERITY_STYLES[note.severity], note.severity)}${padding}`;
    const text = note.protocol ? `${note.protocol}: ${note.text}` : note.text;
    lines.push(
      ...wrap(paint, lead, indent.length + severityWidth + 2, [
        { text },
        { text: `(${note.source})`, style: 'dim' },
      ]),
    );
  }
  return lines;
}

/**
 * ```
 * http  World Wide Web HTTP
 *   Aliases: www, www-http
 *   tcp   80     assigned  primary  World Wide Web HTTP
 *   Connect to: 80/tcp
 * ```
 */
export function formatServiceReport(report: ServiceReport, options: ServiceFormatOptions): string {
  const paint = painter(options.color);
  const protocol = options.protocol ?? 'tcp';
  const ports = [...report.ports].sort(
    (a, b) => a.portStart - b.portStart || protocolRank(a.protocol) - protocolRank(b.protocol),
  );
  const headlineEntry =
    ports.find((port) => port.primary && port.protocol === protocol && port.description) ??
    ports.find((port) => port.primary && port.description) ??
    report.iana.find((entry) => entry.description);
  const aliasOf =
    options.asked !== undefined && serviceNameKey(options.asked) !== serviceNameKey(report.name)
      ? `(${options.asked} is an alias of ${report.name})`
      : '';
  const lines = [
    row(paint, 0, [
      { text: report.name, style: 'bold', width: report.name.length },
      { text: [headlineEntry?.description ?? '', aliasOf].filter(Boolean).join('  ') },
    ]),
  ];
  if (report.aliases.length > 0) {
    lines.push(row(paint, INDENT, [{ text: `Aliases: ${report.aliases.join(', ')}` }]));
  }
  const rows = [
    ...ports.map((port) => ({
      protocol: port.protocol ?? '-',
      ports:
        port.portStart === port.portEnd ? `${port.portStart}` : `${port.portStart}-${port.portEnd}`,
      status: port.status,
      role: port.primary ? 'primary' : 'not primary',
      description: port.description ?? '',
    })),
    // Name-only entries (DNS-SD service types) have no port but are part of the answer.
    ...report.iana
      .filter((entry) => entry.portStart === null)
      .map((entry) => ({
        protocol: entry.protocol ?? '-',
        ports: 'no port',
        status: entry.status,
        role: '',
        description: entry.description ?? '',
      })),
  ];
  const portsWidth = Math.max(5, ...rows.map((each) => each.ports.length));
  const roleWidth = Math.max(0, ...rows.map((each) => each.role.length));
  for (const each of rows) {
    lines.push(
      row(paint, INDENT, [
        { text: each.protocol, width: PROTOCOL_WIDTH },
        { text: each.ports, width: portsWidth, style: 'bold' },
        { text: each.status, width: STATUS_WIDTH, style: STATUS_STYLES[each.status] },
        { text: each.role, width: roleWidth, style: each.role === 'primary' ? null : 'dim' },
        { text: each.description },
      ]),
    );
  }
  if (options.resolution !== undefined) lines.push(connectLine(paint, report, options));
  return lines.join('\n');
}

/** The one port to connect to, or which protocols to ask instead. */
function connectLine(paint: Paint, report: ServiceReport, options: ServiceFormatOptions): string {
  const resolution = options.resolution;
  if (resolution) {
    const target = `${resolution.port}/${resolution.protocol}`;
    return `${' '.repeat(INDENT)}Connect to: ${paint('bold', target)}`;
  }
  const protocol = options.protocol ?? 'tcp';
  const others = [
    ...new Set(report.ports.map((port) => port.protocol).filter((each) => each !== null)),
  ].filter((each) => each !== protocol);
  const hint = others.length > 0 ? ` (try --protocol ${others.join(' or ')})` : '';
  return row(paint, INDENT, [{ text: `Connect to: no ${protocol} port${hint}` }]);
}

function protocolRank(protocol: Protocol | null): number {
  return protocol === null ? PROTOCOLS.length : PROTOCOLS.indexOf(protocol);
}
