import path from 'node:path';
import { defineConfig } from 'prisma/config';

// These machines cannot download Prisma's native schema engine. `prisma generate` only checks
// that the file exists, so point it at a stub that explains itself (see prisma/engine-stub.mjs).
// Set PRISMA_REAL_ENGINE=1 where the real engine is installed.
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && process.env.PRISMA_REAL_ENGINE !== '1') {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(
    import.meta.dirname,
    'prisma',
    'engine-stub.mjs',
  );
}

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/port_registry' },
});
