#!/usr/bin/env node
// `npm start` compiles only when a source is newer than the last build: the TypeScript compiler's
// own up-to-date check costs seconds, this one milliseconds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const stamp = path.join(root, 'dist', '.tsbuildinfo');

function newest(target) {
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(target))
    latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

const inputs = ['src', 'seed', 'tsconfig.json', 'tsconfig.build.json', 'package.json']
  .map((name) => path.join(root, name))
  .filter((input) => existsSync(input));
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (built === 0 || inputs.some((input) => newest(input) > built)) {
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      path.join(root, 'tsconfig.build.json'),
    ],
    { stdio: 'inherit' },
  );
  // tsc leaves its stamp alone when nothing needed emitting; mark this check as done.
  const now = new Date();
  utimesSync(stamp, now, now);
}
