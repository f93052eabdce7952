import type { EntryStatus, Protocol } from '../domain/protocols.js';
import { serviceNameKey } from '../domain/service-name.js';
import { InvalidInputError } from './errors.js';
import { paginate, type Page } from './pagination.js';
import type { IndexedEntry, RegistryIndex } from './registry-index.js';
import { entryView, type EntryView } from './reports.js';

export interface PortWindowQuery {
  from: number;
  to: number;
  protocol?: Protocol | undefined;
  status?: EntryStatus | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Registry entries overlapping [from, to], in port order. */
export function listPortEntries(index: RegistryIndex, query: PortWindowQuery): Page<EntryView> {
  if (query.from > query.to) throw InvalidInputError.field('from', 'must not be greater than to');
  const matching = index
    .entriesInWindow(query.from, query.to)
    .filter(
      (entry) =>
        (!query.protocol || entry.protocol === query.protocol) &&
        (!query.status || entry.status === query.status),
    );
  const page = paginate(matching, query.limit, query.cursor);
  return { items: page.items.map(entryView), nextCursor: page.nextCursor };
}

export type SearchRank = 'exact' | 'prefix' | 'text';

export interface ServiceMatch {
  name: string;
  rank: SearchRank;
  description: string | null;
  ports: { protocol: Protocol | null; portStart: number; portEnd: number }[];
}

export interface ServiceSearch {
  query: string;
  protocol?: Protocol | undefined;
  limit: number;
  cursor?: string | undefined;
}

const RANK_ORDER: Record<SearchRank, number> = { exact: 0, prefix: 1, text: 2 };

/** Names and descriptions containing the query: exact name first, then prefix, then text. */
export function searchServices(index: RegistryIndex, search: ServiceSearch): Page<ServiceMatch> {
  const needle = search.query.trim().toLowerCase();
  if (needle.length === 0) throw InvalidInputError.field('q', 'must not be empty');
  const matches = new Map<string, { rank: SearchRank; entries: IndexedEntry[] }>();
  for (const entry of index.entries) {
    if (entry.serviceName === null) continue;
    if (search.protocol && entry.protocol !== search.protocol) continue;
    const key = serviceNameKey(entry.serviceName);
    const rank: SearchRank | null =
      key === needle
        ? 'exact'
        : key.startsWith(needle)
          ? 'prefix'
          : key.includes(needle) || entry.description?.toLowerCase().includes(needle)
            ? 'text'
            : null;
    if (rank === null) continue;
    const found = matches.get(key);
    if (!found) matches.set(key, { rank, entries: [entry] });
    else {
      found.entries.push(entry);
      if (RANK_ORDER[rank] < RANK_ORDER[found.rank]) found.rank = rank;
    }
  }
  const ordered = [...matches.entries()]
    .map(([key, { rank, entries }]) => ({ key, rank, entries }))
    .sort((a, b) => RANK_ORDER[a.rank] - RANK_ORDER[b.rank] || a.key.localeCompare(b.key));
  const page = paginate(ordered, search.limit, search.cursor);
  return {
    items: page.items.map(({ rank, entries }) => ({
      name: (entries.find((entry) => entry.primary) ?? entries[0])?.serviceName ?? '',
      rank,
      description: entries.find((entry) => entry.description)?.description ?? null,
      ports: entries
        .filter((entry) => entry.portStart !== null && entry.portEnd !== null)
        .map((entry) => ({
          protocol: entry.protocol,
          portStart: entry.portStart as number,
          portEnd: entry.portEnd as number,
        })),
    })),
    nextCursor: page.nextCursor,
  };
}

/** `/etc/services` text: one line per port and protocol, primary name first, aliases after. */
export function exportEtcServices(index: RegistryIndex, protocol?: Protocol): string {
  const lines = [
    '# Port Registry export in /etc/services format.',
    '# Ranges are left out: the format has one port per line.',
  ];
  const seen = new Set<string>();
  for (const entry of index.entriesInWindow(0, 65535)) {
    const port = entry.portStart;
    if (
      port === null ||
      entry.portEnd !== port ||
      entry.protocol === null ||
      entry.serviceName === null ||
      entry.status !== 'assigned' ||
      (protocol && entry.protocol !== protocol)
    ) {
      continue;
    }
    const key = `${port}/${entry.protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const status = index.protocolStatus(port, entry.protocol);
    const [name, ...aliases] = status.names.filter((each) => /^[!-~]+$/.test(each));
    if (!name) continue;
    const comment = sanitizeComment(entry.description);
    lines.push(
      `${name.padEnd(15)} ${key.padEnd(11)}${aliases.length ? ` ${aliases.join(' ')}` : ''}${comment ? `\t# ${comment}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function sanitizeComment(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
