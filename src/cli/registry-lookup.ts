import type { Protocol } from '../domain/protocols.js';
import type { PortReport, Resolution, ServiceReport } from '../registry/reports.js';

/**
 * Where the command line gets its answers: a running server over HTTP, or the local database.
 * Both give the REST shapes, so that `--json` prints the same either way.
 */
export interface RegistryLookup {
  port(port: number, protocol?: Protocol): Promise<PortReport>;
  /** Throws CliError (exit 1) for an unknown name. */
  service(name: string, protocol?: Protocol): Promise<ServiceReport>;
  /** The port a client should connect to; null when none is registered for the protocol. */
  resolve(name: string, protocol?: Protocol): Promise<Resolution | null>;
  close(): Promise<void>;
}
