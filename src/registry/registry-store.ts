import type pg from 'pg';
import type { EntryStatus, Protocol } from '../domain/protocols.js';
import type { EntrySource } from '../sources/entry.js';
import type { IndexedEntry } from './registry-index.js';

/**
 * SQL for the registry tables. Bulk paths use pg directly: a sync writes thousands of rows in a
 * handful of statements, and loading the index reads the whole table at once.
 */

/** Notified after every committed change of the registry; every process reloads its index. */
export const REGISTRY_CHANNEL = 'registry_changed';

interface EntryRow {
  id: number;
  entry_key: string;
  service_name: string | null;
  port_start: number | null;
  port_end: number | null;
  protocol: Protocol | null;
  status: EntryStatus;
  description: string | null;
  assignee: string | null;
  contact: string | null;
  registered: string | null;
  modified: string | null;
  references: string[];
  service_code: string | null;
  unauthorized_use: string | null;
  notes: string | null;
  primary: boolean;
  legacy: boolean;
  source: EntrySource;
}

export async function loadRegistryEntries(db: pg.Pool | pg.PoolClient): Promise<IndexedEntry[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT id, entry_key, service_name, port_start, port_end, protocol, status, description,
            assignee, contact, registered, modified, "references", service_code, unauthorized_use,
            notes, "primary", legacy, source
       FROM registry_entries
      ORDER BY position, id`,
  );
  return rows.map((row) => ({
    id: row.id,
    entryKey: row.entry_key,
    serviceName: row.service_name,
    portStart: row.port_start,
    portEnd: row.port_end,
    protocol: row.protocol,
    status: row.status,
    description: row.description,
    assignee: row.assignee,
    contact: row.contact,
    registered: row.registered,
    modified: row.modified,
    references: row.references,
    serviceCode: row.service_code,
    unauthorizedUse: row.unauthorized_use,
    notes: row.notes,
    primary: row.primary,
    legacy: row.legacy,
    source: row.source,
  }));
}

/** A digest of the whole registry's content: equal in every process that holds the same data. */
export async function loadRegistryVersion(db: pg.Pool | pg.PoolClient): Promise<string> {
  const { rows } = await db.query<{ version: string | null }>(
    `SELECT md5(string_agg(entry_key || ':' || content_hash, ',' ORDER BY entry_key)) AS version
       FROM registry_entries`,
  );
  return rows[0]?.version ?? 'empty';
}
