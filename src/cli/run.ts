import { parseCliArguments, USAGE, type LookupQuery } from './arguments.js';
import { CliError, describeError, EXIT_FAILED, EXIT_FOUND } from './errors.js';
import { formatPortReport, formatServiceReport } from './format.js';
import { openLocalRegistry } from './local-registry.js';
import type { RegistryLookup } from './registry-lookup.js';
import { RemoteRegistry } from './remote-registry.js';
import { wantsColor } from './terminal.js';
import { packageVersion } from './version.js';

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** `port-registry <port or name>`: prints the answer and returns the exit code (0, 1 or 2). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const command = parseCliArguments(argv, io.env);
    if (command.kind === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT_FOUND;
    }
    if (command.kind === 'version') {
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT_FOUND;
    }
    const registry = command.url
      ? new RemoteRegistry(command.url)
      : await openLocalRegistry(io.env);
    try {
      const output = command.json
        ? JSON.stringify(await reportOf(registry, command.query), null, 2)
        : await describe(registry, command.query, wantsColor(io.stdout, io.env));
      io.stdout.write(`${output}\n`);
      return EXIT_FOUND;
    } finally {
      await registry.close();
    }
  } catch (error) {
    io.stderr.write(`port-registry: ${describeError(error)}\n`);
    return error instanceof CliError ? error.exitCode : EXIT_FAILED;
  }
}

/** The REST answer itself: PortReport or ServiceReport. */
function reportOf(registry: RegistryLookup, query: LookupQuery): Promise<unknown> {
  return query.kind === 'port'
    ? registry.port(query.port, query.protocol)
    : registry.service(query.name, query.protocol);
}

/** The answer for a person: the report, and for a service the port to connect to. */
async function describe(
  registry: RegistryLookup,
  query: LookupQuery,
  color: boolean,
): Promise<string> {
  if (query.kind === 'port') {
    return formatPortReport(await registry.port(query.port, query.protocol), { color });
  }
  const protocol = query.protocol ?? 'tcp';
  const [report, resolution] = await Promise.all([
    registry.service(query.name, query.protocol),
    registry.resolve(query.name, protocol),
  ]);
  return formatServiceReport(report, { color, asked: query.name, resolution, protocol });
}
