#!/usr/bin/env node
// Stand-in for Prisma's native schema engine, which cannot be downloaded on these machines.
// Prisma prints the JSON line below instead of an empty "Schema engine error".
process.stderr.write('schema engine stub\n');
process.stderr.write(
  JSON.stringify({
    timestamp: new Date().toISOString(),
    level: 'ERROR',
    fields: {
      message:
        'schema engine not installed on this machine; use the project scripts: migrations are applied by src/db/migrate.ts at start, created by `npm run migration:create`',
    },
    target: 'schema_engine',
  }) + '\n',
);
process.exit(1);
