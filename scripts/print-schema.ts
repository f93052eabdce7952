/**
 * Writes schema.graphql at the repository root from the SDL in src/graphql/schema.graphql.ts
 * (`npm run schema`). test/graphql/schema-file.test.ts fails when the file is out of date.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printedSchema } from '../src/graphql/schema.graphql.js';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql');
await writeFile(target, printedSchema());
console.log(`wrote ${path.relative(process.cwd(), target) || target}`);
