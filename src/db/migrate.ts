import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * Applies prisma/migrations with the same bookkeeping as `prisma migrate deploy` (table
 * `_prisma_migrations`, sha256 checksums), because Prisma's native engine cannot be installed on
 * these machines (notes/PRISMA-OFFLINE.md). Prisma reports a database migrated here as in sync.
 */

// Any fixed number shared by every runner: two processes migrating at once apply each step once.
const MIGRATION_LOCK = 72707369;

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface MigrationResult {
  applied: string[];
}

export async function migrateDatabase(
  url: string,
  migrationsDir = findMigrationsDir(),
): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "checksum" varchar(64) NOT NULL,
      "finished_at" timestamptz,
      "migration_name" varchar(255) NOT NULL,
      "logs" text,
      "rolled_back_at" timestamptz,
      "started_at" timestamptz NOT NULL DEFAULT now(),
      "applied_steps_count" integer NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      // Prisma's P3009: a failed migration must be resolved by a person before anything else runs.
      throw new MigrationError(
        `migration ${failed.migration_name} failed earlier and is not resolved; see its logs in _prisma_migrations`,
      );
    }
    const done = new Map(
      rows.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row]),
    );
    const applied: string[] = [];
    for (const migration of await readMigrations(migrationsDir)) {
      const previous = done.get(migration.name);
      if (previous) {
        if (!migration.checksums.includes(previous.checksum)) {
          throw new MigrationError(
            `migration ${migration.name} was edited after it was applied (checksum differs)`,
          );
        }
        continue;
      }
      await applyOne(client, migration);
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}

interface Migration {
  name: string;
  sql: string;
  /** The checksum of the file as it is, then of its LF and CRLF variants (Prisma accepts both). */
  checksums: string[];
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, migration.checksums[0], migration.name],
  );
  try {
    // A simple query (no parameters) runs the whole multi-statement script as one transaction.
    await client.query(`BEGIN;\n${migration.sql}\n;COMMIT;`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, message]);
    throw new MigrationError(`migration ${migration.name} failed: ${message}`);
  }
  await client.query(
    'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
    [id],
  );
}

async function readMigrations(dir: string): Promise<Migration[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const file = path.join(dir, name, 'migration.sql');
    if (!existsSync(file)) continue;
    const sql = await readFile(file, 'utf8');
    const lf = sql.replace(/\r\n/g, '\n');
    const crlf = lf.replace(/\n/g, '\r\n');
    migrations.push({ name, sql, checksums: [sha256(sql), sha256(lf), sha256(crlf)] });
  }
  return migrations;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** prisma/migrations of the repository, from src/ (tsx) and from dist/src/ (compiled) alike. */
export function findMigrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new MigrationError('prisma/migrations not found next to the application');
}
