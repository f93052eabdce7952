#!/usr/bin/env node
// `port-registry`: runs the compiled command line (dist/src/cli.js), built by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const entry = new URL('../dist/src/cli.js', import.meta.url);

if (existsSync(fileURLToPath(entry))) {
  await import(entry.href);
} else {
  const root = fileURLToPath(new URL('..', import.meta.url));
  console.error(`port-registry: not built yet; run \`npm run build\` in ${root}`);
  process.exitCode = 1;
}
