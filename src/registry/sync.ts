import type pg from 'pg';
import { assignEntryKeys, contentHash } from '../sources/entry-set.js';
import type { RegistryEntryRecord } from '../sources/entry.js';
import { REGISTRY_CHANNEL } from './registry-store.js';

/** Only one sync writes at a time, across every process on the database. */
const SYNC_LOCK = 72707370;
const EXAMPLES = 5;

export interface SyncInput {
  records: readonly RegistryEntryRecord[];
  /** What was read: a URL, a file path, or `bundle`. */
  source: string;
  format: string;
  checksum: string | null;
  dryRun?: boolean;
}

export interface SyncReport {
  source: string;
  format: string;
  checksum: string | null;
  dryRun: boolean;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  total: number;
  examples: { added: string[]; changed: string[]; removed: string[] };
  runId: number | null;
}

interface Desired {
  key: string;
  hash: string;
  position: number;
  record: RegistryEntryRecord;
}

/**
 * Makes the stored registry equal to `records` as one diff in one transaction: interrupted at any
 * point, the registry stays exactly as before, and readers never see it half-applied or empty.
 * Re-applying the same records changes nothing. Every run is recorded in sync_runs.
 */
export async function applySync(pool: pg.Pool, input: SyncInput): Promise<SyncReport> {
  const desired: Desired[] = assignEntryKeys(input.records).map(({ key, record }, position) => ({
    key,
    hash: contentHash(record),
    position,
    record,
  }));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SYNC_LOCK]);
    const { rows } = await client.query<{ entry_key: string; content_hash: string }>(
      'SELECT entry_key, content_hash FROM registry_entries',
    );
    const current = new Map(rows.map((row) => [row.entry_key, row.content_hash]));
    const wanted = new Set(desired.map((entry) => entry.key));
    const added = desired.filter((entry) => !current.has(entry.key));
    const changed = desired.filter((entry) => {
      const hash = current.get(entry.key);
      return hash !== undefined && hash !== entry.hash;
    });
    const removed = rows.map((row) => row.entry_key).filter((key) => !wanted.has(key));
    const dryRun = input.dryRun ?? false;

    if (!dryRun) {
      if (removed.length > 0) {
        await client.query('DELETE FROM registry_entries WHERE entry_key = ANY($1::text[])', [
          removed,
        ]);
      }
      if (added.length > 0) await insertEntries(client, added);
      if (changed.length > 0) await updateEntries(client, changed);
    }
    const report: SyncReport = {
      source: input.source,
      format: input.format,
      checksum: input.checksum,
      dryRun,
      added: added.length,
      changed: changed.length,
      removed: removed.length,
      unchanged: desired.length - added.length - changed.length,
      total: dryRun ? current.size : desired.length,
      examples: {
        added: added.slice(0, EXAMPLES).map((entry) => describeKey(entry.key)),
        changed: changed.slice(0, EXAMPLES).map((entry) => describeKey(entry.key)),
        removed: removed.slice(0, EXAMPLES).map(describeKey),
      },
      runId: null,
    };
    report.runId = await recordRun(client, report, 'succeeded', null);
    if (!dryRun && added.length + changed.length + removed.length > 0) {
      await client.query(`SELECT pg_notify('${REGISTRY_CHANNEL}', $1)`, [String(report.runId)]);
    }
    await client.query('COMMIT');
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Records a run that failed before it could be applied (bad file, unreachable URL). */
export async function recordFailedSync(
  pool: pg.Pool,
  run: { source: string; format: string; checksum: string | null; dryRun: boolean },
  error: string,
): Promise<void> {
  await recordRun(
    pool,
    {
      ...run,
      added: 0,
      changed: 0,
      removed: 0,
      total: 0,
    },
    'failed',
    error,
  );
}

async function recordRun(
  db: pg.Pool | pg.PoolClient,
  run: Pick<
    SyncReport,
    'source' | 'format' | 'checksum' | 'dryRun' | 'added' | 'changed' | 'removed' | 'total'
  >,
  status: 'succeeded' | 'failed',
  error: string | null,
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO sync_runs (source, format, checksum, dry_run, status, added, changed, removed,
                            total, error, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
     RETURNING id`,
    [
      run.source,
      run.format,
      run.checksum,
      run.dryRun,
      status,
      run.added,
      run.changed,
      run.removed,
      run.total,
      error,
    ],
  );
  return rows[0]?.id ?? 0;
}

/** One JSON document per batch: thousands of rows in one statement, no parameter limit. */
function entriesJson(entries: readonly Desired[]): string {
  return JSON.stringify(
    entries.map(({ key, hash, position, record }) => ({
      entry_key: key,
      position,
      service_name: record.serviceName,
      name_key: record.serviceName?.toLowerCase() ?? null,
      port_start: record.portStart,
      port_end: record.portEnd,
      protocol: record.protocol,
      status: record.status,
      description: record.description,
      assignee: record.assignee,
      contact: record.contact,
      registered: record.registered,
      modified: record.modified,
      refs: record.references,
      service_code: record.serviceCode,
      unauthorized_use: record.unauthorizedUse,
      notes: record.notes,
      is_primary: record.primary,
      legacy: record.legacy,
      source: record.source,
      content_hash: hash,
    })),
  );
}

const RECORDSET = `jsonb_to_recordset($1::jsonb) AS x(
  entry_key text, position int, service_name text, name_key text, port_start int, port_end int,
  protocol text, status text, description text, assignee text, contact text, registered text,
  modified text, refs jsonb, service_code text, unauthorized_use text, notes text,
  is_primary boolean, legacy boolean, source text, content_hash text)`;

async function insertEntries(client: pg.PoolClient, entries: readonly Desired[]): Promise<void> {
  await client.query(
    `INSERT INTO registry_entries (entry_key, position, service_name, name_key, port_start,
       port_end, protocol, status, description, assignee, contact, registered, modified,
       "references", service_code, unauthorized_use, notes, "primary", legacy, source,
       content_hash, updated_at)
     SELECT entry_key, position, service_name, name_key, port_start, port_end,
            protocol::"Protocol", status::"EntryStatus", description, assignee, contact,
            registered, modified, ARRAY(SELECT jsonb_array_elements_text(refs)), service_code,
            unauthorized_use, notes, is_primary, legacy, source, content_hash, now()
       FROM ${RECORDSET}`,
    [entriesJson(entries)],
  );
}

async function updateEntries(client: pg.PoolClient, entries: readonly Desired[]): Promise<void> {
  await client.query(
    `UPDATE registry_entries AS e SET
        service_name = x.service_name, name_key = x.name_key, port_start = x.port_start,
        port_end = x.port_end, protocol = x.protocol::"Protocol",
        status = x.status::"EntryStatus", description = x.description, assignee = x.assignee,
        contact = x.contact, registered = x.registered, modified = x.modified,
        "references" = ARRAY(SELECT jsonb_array_elements_text(x.refs)),
        service_code = x.service_code, unauthorized_use = x.unauthorized_use, notes = x.notes,
        "primary" = x.is_primary, legacy = x.legacy, source = x.source,
        content_hash = x.content_hash, updated_at = now()
       FROM ${RECORDSET}
      WHERE e.entry_key = x.entry_key`,
    [entriesJson(entries)],
  );
}

/** `tcp|80|80|http` -> `http 80/tcp`, readable in the command's report. */
function describeKey(key: string): string {
  const [protocol, start, end, name] = key.split('|');
  const port = start === '-' ? 'no port' : start === end ? start : `${start}-${end}`;
  const label = name?.startsWith('~') ? `(${name.slice(1)})` : name;
  return `${label} ${port}${protocol === '-' ? '' : `/${protocol}`}`;
}
