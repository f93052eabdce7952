/**
 * `port-registry <port or name>` (SPEC.md section 2): a one-shot lookup of a port or a service
 * name, from a running server (`--url`, PORT_REGISTRY_URL) or the local database.
 */
import { runCli } from './cli/run.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
