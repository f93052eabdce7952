import { MAX_PORT, PROTOCOLS, type EntryStatus, type Protocol } from '../domain/protocols.js';
import { serviceNameKey } from '../domain/service-name.js';
import type { RegistryEntryRecord } from '../sources/entry.js';

/** A stored registry entry: the record plus its row id and natural key. */
export interface IndexedEntry extends RegistryEntryRecord {
  id: number;
  entryKey: string;
}

export interface RegistryCounts {
  total: number;
  byStatus: Record<EntryStatus, number>;
  /** `none` counts the entries that name no protocol (name-only and some Reserved rows). */
  byProtocol: Record<Protocol | 'none', number>;
  bySource: Record<string, number>;
}

export interface ProtocolStatus {
  protocol: Protocol;
  status: EntryStatus;
  /** The primary service name on this port and protocol, if any. */
  primary: string | null;
  /** Every service name on this port and protocol, primary first, then in registry order. */
  names: string[];
}

const NO_ENTRIES: readonly IndexedEntry[] = Object.freeze([]);

/**
 * The whole registry in memory, built once per load or sync, read without a database query
 * (SPEC.md section 8). Immutable: a sync builds a new index and swaps it in.
 */
export class RegistryIndex {
  readonly entries: readonly IndexedEntry[];
  readonly counts: RegistryCounts;
  /** Entries covering each port (range entries appear under every port of the range). */
  private readonly byPort: (IndexedEntry[] | undefined)[];
  private readonly byName = new Map<string, IndexedEntry[]>();
  /** Entries with ports, by start port: the order of window listings. */
  private readonly byStart: IndexedEntry[];
  private readonly widestSpan: number;

  /**
   * @param version identifies the content (same registry, same version, in every process):
   *   the ETag of registry answers.
   */
  constructor(
    entries: readonly IndexedEntry[],
    readonly version = 'empty',
  ) {
    this.entries = entries;
    this.byPort = new Array<IndexedEntry[] | undefined>(MAX_PORT + 1);
    for (const entry of entries) {
      if (entry.portStart !== null && entry.portEnd !== null) {
        for (let port = entry.portStart; port <= entry.portEnd; port += 1) {
          (this.byPort[port] ??= []).push(entry);
        }
      }
      if (entry.serviceName !== null) {
        const key = serviceNameKey(entry.serviceName);
        let list = this.byName.get(key);
        if (!list) this.byName.set(key, (list = []));
        list.push(entry);
      }
    }
    this.counts = countEntries(entries);
    this.byStart = entries
      .filter((entry) => entry.portStart !== null && entry.portEnd !== null)
      .sort(
        (a, b) =>
          (a.portStart as number) - (b.portStart as number) ||
          (a.portEnd as number) - (b.portEnd as number) ||
          protocolOrder(a.protocol) - protocolOrder(b.protocol),
      );
    this.widestSpan = this.byStart.reduce(
      (widest, entry) => Math.max(widest, (entry.portEnd as number) - (entry.portStart as number)),
      0,
    );
  }

  /** Entries whose ports overlap [from, to], by start port, then end port, then protocol. */
  entriesInWindow(from: number, to: number): IndexedEntry[] {
    const first = lowerBound(this.byStart, from - this.widestSpan);
    const found: IndexedEntry[] = [];
    for (let i = first; i < this.byStart.length; i += 1) {
      const entry = this.byStart[i] as IndexedEntry;
      if ((entry.portStart as number) > to) break;
      if ((entry.portEnd as number) >= from) found.push(entry);
    }
    return found;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entries covering `port`, optionally for one protocol (entries without protocol included). */
  entriesForPort(port: number, protocol?: Protocol): readonly IndexedEntry[] {
    const list = this.byPort[port] ?? NO_ENTRIES;
    if (!protocol) return list;
    return list.filter((entry) => entry.protocol === protocol || entry.protocol === null);
  }

  /** Entries of a service name or alias, case-insensitive (RFC 6335 section 5.1). */
  entriesForName(name: string): readonly IndexedEntry[] {
    return this.byName.get(serviceNameKey(name)) ?? NO_ENTRIES;
  }

  /** Status, primary name and names of one port and protocol; ports never listed are unassigned. */
  protocolStatus(port: number, protocol: Protocol): ProtocolStatus {
    const entries = this.entriesForPort(port, protocol);
    const named = entries.filter((entry) => entry.serviceName !== null);
    const primaryEntry = named.find((entry) => entry.primary) ?? null;
    const names = uniqueNames(primaryEntry ? [primaryEntry, ...named] : named);
    return {
      protocol,
      status: statusOf(entries),
      primary: primaryEntry?.serviceName ?? null,
      names,
    };
  }

  statusOf(port: number, protocol: Protocol): EntryStatus {
    return statusOf(this.entriesForPort(port, protocol));
  }

  primaryName(port: number, protocol: Protocol): string | null {
    return this.entriesForPort(port, protocol).find((entry) => entry.primary)?.serviceName ?? null;
  }

  /** Status per protocol for the four port spaces. */
  portStatus(port: number): ProtocolStatus[] {
    return PROTOCOLS.map((protocol) => this.protocolStatus(port, protocol));
  }

  /**
   * Ports of [from, to] that IANA neither assigns nor reserves for `protocol`, lowest first,
   * skipping those `taken` reports (an organisation's own assignments, later).
   */
  freePorts(
    from: number,
    to: number,
    protocol: Protocol,
    count: number,
    taken: (port: number) => boolean = () => false,
  ): number[] {
    const free: number[] = [];
    for (let port = from; port <= to && free.length < count; port += 1) {
      if (this.statusOf(port, protocol) === 'unassigned' && !taken(port)) free.push(port);
    }
    return free;
  }
}

function protocolOrder(protocol: Protocol | null): number {
  return protocol === null ? PROTOCOLS.length : PROTOCOLS.indexOf(protocol);
}

/** The first index whose entry starts at or after `port` (entries sorted by start). */
function lowerBound(entries: readonly IndexedEntry[], port: number): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (((entries[middle] as IndexedEntry).portStart as number) < port) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A named entry makes a port assigned; a Reserved row, reserved; anything else (including a port
 * the registry never lists) is unassigned. Nameless "any private ..." rows count as assigned.
 */
function statusOf(entries: readonly IndexedEntry[]): EntryStatus {
  if (entries.some((entry) => entry.status === 'assigned')) return 'assigned';
  if (entries.some((entry) => entry.status === 'reserved')) return 'reserved';
  return 'unassigned';
}

function uniqueNames(entries: readonly IndexedEntry[]): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const entry of entries) {
    const name = entry.serviceName;
    if (name === null || seen.has(serviceNameKey(name))) continue;
    seen.add(serviceNameKey(name));
    names.push(name);
  }
  return names;
}

function countEntries(entries: readonly IndexedEntry[]): RegistryCounts {
  const counts: RegistryCounts = {
    total: entries.length,
    byStatus: { assigned: 0, reserved: 0, unassigned: 0 },
    byProtocol: { tcp: 0, udp: 0, sctp: 0, dccp: 0, none: 0 },
    bySource: {},
  };
  for (const entry of entries) {
    counts.byStatus[entry.status] += 1;
    counts.byProtocol[entry.protocol ?? 'none'] += 1;
    counts.bySource[entry.source] = (counts.bySource[entry.source] ?? 0) + 1;
  }
  return counts;
}
