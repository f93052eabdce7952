import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import {
  diffMigrationsToSchema,
  migrationFileName,
  migrationLockFileName,
  migrationsDir,
  schemaPath,
  sqlStatementsOf,
} from '../../prisma/schema-engine.js';
import { adminQuery, withDatabase } from '../support/global-setup.js';

// Each diff starts the wasm schema engine and two in-memory PGlite databases: a few seconds.
const engineTimeout = 120_000;

async function migrationFolders(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe('prisma/migrations', () => {
  it('has a migration.sql in every migration folder and a lock file for postgresql', async () => {
    const folders = await migrationFolders();
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      expect(folder).toMatch(/^\d{14}_[A-Za-z0-9_]+$/);
      const file = await stat(path.join(migrationsDir, folder, migrationFileName));
      expect(file.isFile()).toBe(true);
    }
    const lock = await readFile(path.join(migrationsDir, migrationLockFileName), 'utf8');
    expect(lock).toMatch(/^provider = "postgresql"$/m);
  });

  it(
    'schema.prisma and prisma/migrations describe the same database',
    async () => {
      const diff = await diffMigrationsToSchema();
      // On failure the message is the SQL of the missing migration: run `npm run migration:create -- <name>`.
      expect(sqlStatementsOf(diff)).toBe('');
    },
    engineTimeout,
  );

  it(
    'reports drift when schema.prisma has a field that no migration adds',
    async () => {
      const schema = await readFile(schemaPath, 'utf8');
      const withExtraField = schema.replace(
        /^model Organization \{\n/m,
        (head) => `${head}  driftProbe String? @map("drift_probe")\n`,
      );
      expect(withExtraField).not.toBe(schema);

      const diff = await diffMigrationsToSchema({ schema: withExtraField });
      expect(sqlStatementsOf(diff)).toMatch(
        /ALTER TABLE "organizations" ADD COLUMN\s+"drift_probe" TEXT/,
      );
    },
    engineTimeout,
  );

  it('applies on PostgreSQL, where overlapping assignments are refused with 23P01', async () => {
    const adminUrl = inject('adminDatabaseUrl');
    const name = `pr_migrations_${randomBytes(6).toString('hex')}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    const client = new pg.Client({ connectionString: withDatabase(adminUrl, name) });
    await client.connect();
    try {
      for (const folder of await migrationFolders()) {
        await client.query(
          await readFile(path.join(migrationsDir, folder, migrationFileName), 'utf8'),
        );
      }
      const org = await client.query<{ id: number }>(
        `INSERT INTO organizations (slug, name) VALUES ('acme', 'Acme') RETURNING id`,
      );
      const orgId = org.rows[0]?.id;
      const assign = (scope: string, start: number, end: number): Promise<unknown> =>
        client.query(
          `INSERT INTO assignments (organization_id, scope, service_name, name_key, protocol, port_start, port_end)
           VALUES ($1, $2, 'web', 'web', 'tcp', $3, $4)`,
          [orgId, scope, start, end],
        );

      await assign('default', 8000, 8010);
      await expect(assign('default', 8010, 8020)).rejects.toMatchObject({
        code: '23P01',
        constraint: 'assignments_no_overlap',
      });
      await assign('prod', 8000, 8010);
      await assign('default', 8011, 8020);
      await expect(assign('default', 9000, 70000)).rejects.toMatchObject({ code: '23514' });
      await expect(assign('default', 9010, 9000)).rejects.toMatchObject({
        code: '23514',
        constraint: 'assignments_port_range_check',
      });
    } finally {
      await client.end();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});
