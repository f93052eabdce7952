// `npm run migration:create -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// from the difference between the migrations folder and schema.prisma, as `prisma migrate dev
// --create-only` would, through the wasm schema engine (see prisma/schema-engine.ts).
import path from 'node:path';
import { createMigration } from './schema-engine.js';

const usage =
  'usage: npm run migration:create -- <name>   (letters, digits and underscores, e.g. add_reservation_notes)';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || rest.length > 0 || !/^[A-Za-z0-9_]{1,200}$/.test(name)) {
    console.error(usage);
    return 2;
  }
  const created = await createMigration(name);
  if (created === null) {
    console.log(
      'schema.prisma and prisma/migrations already agree: nothing to change, no migration written.',
    );
    return 0;
  }
  console.log(`wrote ${path.relative(process.cwd(), created.file)}`);
  console.log(
    'Review it, and add by hand what Prisma cannot express (CHECK and EXCLUDE constraints).',
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
