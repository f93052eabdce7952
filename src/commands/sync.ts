import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { runRegistryCommand } from './registry-command.js';
import { formatSyncReport } from './sync-report.js';

const USAGE = 'usage: npm run sync -- [--from URL_OR_FILE] [--format csv|xml|services] [--dry-run]';

let args;
try {
  args = parseArgs({
    options: {
      from: { type: 'string' },
      format: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  console.error(`sync: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}

if (args.help) {
  process.stdout.write(`${USAGE}\n`);
} else {
  const { from, format, 'dry-run': dryRun } = args;
  await runRegistryCommand('sync', async (registry) => {
    const source = from ?? loadConfig().REGISTRY_SYNC_URL;
    if (source === 'off') throw new Error('no --from given and REGISTRY_SYNC_URL is off');
    const report = await registry.sync({ from: source, format, dryRun, timeoutMs: 60_000 });
    return formatSyncReport(report);
  });
}
