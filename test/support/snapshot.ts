import { existsSync } from 'node:fs';
import path from 'node:path';

/** The IANA snapshot of ../shared/data, present beside the repository on developer machines and CI. */
export const SNAPSHOT_PATH = path.resolve(
  process.cwd(),
  '../shared/data/service-names-port-numbers.csv',
);
export const HAS_SNAPSHOT = existsSync(SNAPSHOT_PATH);
/** Appended to the names of tests that skip without it, so the skip explains itself. */
export const SNAPSHOT_NOTE = HAS_SNAPSHOT
  ? ''
  : ' (skipped: ../shared/data/service-names-port-numbers.csv is absent)';
