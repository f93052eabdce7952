import { classifyPort, type PortClassification } from '../domain/classification.js';
import { PROTOCOLS, type EntryStatus, type Protocol } from '../domain/protocols.js';
import { serviceNameKey } from '../domain/service-name.js';
import { NotFoundError } from './errors.js';
import type { IndexedEntry, ProtocolStatus, RegistryIndex } from './registry-index.js';
import type { PortNote, PortNotes } from './port-notes.js';

/** An IANA entry as the API shows it (contact details are never served). */
export interface EntryView {
  serviceName: string | null;
  protocol: Protocol | null;
  description: string | null;
  status: EntryStatus;
  primary: boolean;
  legacy: boolean;
  portStart: number | null;
  portEnd: number | null;
  assignee: string | null;
  references: string[];
  registered: string | null;
  modified: string | null;
  serviceCode: string | null;
  notes: string | null;
  unauthorizedUse: string | null;
  source: string;
}

export interface PortReport {
  port: number;
  classification: PortClassification;
  protocols: ProtocolStatus[];
  iana: EntryView[];
  /** The organisation's own assignments on this port (with `org`; see the organisations issue). */
  organization: unknown[];
  notes: PortNote[];
}

export interface ServicePort {
  protocol: Protocol | null;
  portStart: number;
  portEnd: number;
  status: EntryStatus;
  primary: boolean;
  description: string | null;
}

export interface ServiceReport {
  name: string;
  aliases: string[];
  ports: ServicePort[];
  iana: EntryView[];
  organization: unknown[];
}

export interface Resolution {
  name: string;
  protocol: Protocol;
  port: number;
  source: 'iana' | 'organization';
}

export function entryView(entry: IndexedEntry): EntryView {
  return {
    serviceName: entry.serviceName,
    protocol: entry.protocol,
    description: entry.description,
    status: entry.status,
    primary: entry.primary,
    legacy: entry.legacy,
    portStart: entry.portStart,
    portEnd: entry.portEnd,
    assignee: entry.assignee,
    references: entry.references,
    registered: entry.registered,
    modified: entry.modified,
    serviceCode: entry.serviceCode,
    notes: entry.notes,
    unauthorizedUse: entry.unauthorizedUse,
    source: entry.source,
  };
}

/** Everything known about one port (SPEC.md section 5, PortReport). `port` must be valid. */
export function buildPortReport(
  index: RegistryIndex,
  notes: PortNotes,
  port: number,
  protocol?: Protocol,
): PortReport {
  const protocols = protocol ? [protocol] : PROTOCOLS;
  return {
    port,
    classification: classifyPort(port),
    protocols: protocols.map((each) => index.protocolStatus(port, each)),
    iana: index.entriesForPort(port, protocol).map(entryView),
    organization: [],
    notes: notes.forPort(port, protocol),
  };
}

/**
 * The name a service is known by: itself when it is primary somewhere; an alias (`www`,
 * `whois++`) resolves to the primary name of the port it sits on (`http`, `whoispp`).
 */
export function canonicalName(index: RegistryIndex, name: string): string | null {
  const entries = index.entriesForName(name);
  const first = entries[0];
  if (!first || first.serviceName === null) return null;
  if (entries.some((entry) => entry.primary)) return first.serviceName;
  for (const entry of entries) {
    if (entry.portStart === null || entry.protocol === null) continue;
    const primary = index
      .entriesForPort(entry.portStart, entry.protocol)
      .find((other) => other.primary && samePorts(other, entry));
    if (primary?.serviceName) return primary.serviceName;
  }
  return first.serviceName;
}

export function buildServiceReport(
  index: RegistryIndex,
  name: string,
  protocol?: Protocol,
): ServiceReport {
  const canonical = canonicalName(index, name);
  if (canonical === null) throw new NotFoundError(`no service named "${name}"`);
  const entries = index
    .entriesForName(canonical)
    .filter((entry) => !protocol || entry.protocol === protocol);
  return {
    name: canonical,
    aliases: aliasesOf(index, canonical),
    ports: entries
      .filter((entry) => entry.portStart !== null && entry.portEnd !== null)
      .map((entry) => ({
        protocol: entry.protocol,
        portStart: entry.portStart as number,
        portEnd: entry.portEnd as number,
        status: entry.status,
        primary: entry.primary,
        description: entry.description,
      })),
    iana: entries.map(entryView),
    organization: [],
  };
}

/** The one port a client of `name` should connect to: the primary entry first, then any. */
export function resolveService(
  index: RegistryIndex,
  name: string,
  protocol: Protocol = 'tcp',
): Resolution {
  const canonical = canonicalName(index, name);
  const candidates = canonical
    ? index
        .entriesForName(canonical)
        .filter((entry) => entry.protocol === protocol && entry.portStart !== null)
    : [];
  const chosen = candidates.find((entry) => entry.primary) ?? candidates[0];
  if (!canonical || !chosen || chosen.portStart === null) {
    throw new NotFoundError(`no ${protocol} port is registered for "${name}"`);
  }
  return { name: canonical, protocol, port: chosen.portStart, source: 'iana' };
}

/** Other names on the ports where `canonical` is primary, which resolve to it. */
function aliasesOf(index: RegistryIndex, canonical: string): string[] {
  const key = serviceNameKey(canonical);
  const aliases = new Map<string, string>();
  for (const entry of index.entriesForName(canonical)) {
    if (!entry.primary || entry.portStart === null || entry.protocol === null) continue;
    for (const other of index.entriesForPort(entry.portStart, entry.protocol)) {
      const otherName = other.serviceName;
      if (otherName === null || other.primary || !samePorts(other, entry)) continue;
      const otherKey = serviceNameKey(otherName);
      if (otherKey === key || aliases.has(otherKey)) continue;
      if (index.entriesForName(otherName).some((candidate) => candidate.primary)) continue;
      aliases.set(otherKey, otherName);
    }
  }
  return [...aliases.values()];
}

function samePorts(a: IndexedEntry, b: IndexedEntry): boolean {
  return a.portStart === b.portStart && a.portEnd === b.portEnd && a.protocol === b.protocol;
}
