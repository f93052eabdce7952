import type { SyncReport } from '../registry/sync.js';

/** The report a person reads after `npm run sync` or `npm run seed`. */
export function formatSyncReport(report: SyncReport): string {
  const lines = [
    `${report.dryRun ? 'dry run: would apply' : 'applied'} ${report.source} (${report.format}` +
      `${report.checksum ? `, sha256 ${report.checksum.slice(0, 12)}` : ''})`,
    `  added ${report.added}, changed ${report.changed}, removed ${report.removed}, unchanged ${report.unchanged}; ${report.total} entries`,
  ];
  for (const kind of ['added', 'changed', 'removed'] as const) {
    const examples = report.examples[kind];
    if (examples.length > 0)
      lines.push(
        `  ${kind}: ${examples.join(', ')}${report[kind] > examples.length ? ', ...' : ''}`,
      );
  }
  return lines.join('\n');
}
