import { bandsContaining, ephemeralSystems } from './classification.js';
import { isPort, isProtocol, MAX_PORT, type Protocol } from './protocols.js';
import { serviceNameMessage, serviceNameProblem } from './service-name.js';

/** The rules of SPEC.md section 5 for an organisation's assignment, without I/O. */

export interface PortBlock {
  protocol: Protocol;
  portStart: number;
  portEnd: number;
}

export interface AssignmentFields {
  serviceName?: unknown;
  protocol?: unknown;
  portStart?: unknown;
  portEnd?: unknown;
  allowDynamic?: boolean | undefined;
}

export interface FieldRuleProblem {
  field: string;
  message: string;
}

export const DYNAMIC_START = 49152;
export const PRIVILEGED_BELOW = 1024;

/** Every rule a new or changed assignment breaks (422), one problem per field. */
export function assignmentProblems(fields: AssignmentFields): FieldRuleProblem[] {
  const problems: FieldRuleProblem[] = [];
  if (typeof fields.serviceName !== 'string') {
    problems.push({ field: 'serviceName', message: 'is required' });
  } else {
    const problem = serviceNameProblem(fields.serviceName);
    if (problem) problems.push({ field: 'serviceName', message: serviceNameMessage(problem) });
  }
  if (typeof fields.protocol !== 'string' || !isProtocol(fields.protocol)) {
    problems.push({ field: 'protocol', message: 'must be one of tcp, udp, sctp, dccp' });
  }
  const startOk = typeof fields.portStart === 'number' && isPort(fields.portStart);
  const endOk = typeof fields.portEnd === 'number' && isPort(fields.portEnd);
  if (!startOk)
    problems.push({ field: 'portStart', message: `must be an integer from 0 to ${MAX_PORT}` });
  if (!endOk)
    problems.push({ field: 'portEnd', message: `must be an integer from 0 to ${MAX_PORT}` });
  if (startOk && endOk) {
    const start = fields.portStart as number;
    const end = fields.portEnd as number;
    if (start > end)
      problems.push({ field: 'portEnd', message: 'must not be less than portStart' });
    // RFC 6335 section 8.1.2: dynamic ports must not be used as service identifiers.
    else if (end >= DYNAMIC_START && !fields.allowDynamic) {
      problems.push({
        field: 'portStart',
        message: `lies in the dynamic range ${DYNAMIC_START}-${MAX_PORT} (RFC 6335 section 8.1.2); set allowDynamic to override`,
      });
    }
  }
  return problems;
}

export type WarningCode =
  | 'iana-assigned'
  | 'ephemeral-overlap'
  | 'privileged'
  | 'browser-blocked'
  | 'kubernetes-nodeport'
  | 'nomad-dynamic';

export interface AssignmentWarning {
  code: WarningCode;
  message: string;
}

export interface WarningContext {
  /** IANA names assigned on the block's ports to services other than this one. */
  ianaHolders: readonly string[];
  /** Ports of the block that browsers refuse (WHATWG Fetch "bad ports"). */
  browserBlockedPorts: readonly number[];
}

/** Services that a browser would reach over HTTP(S), by name. */
export function looksLikeHttp(serviceName: string): boolean {
  return /https?|www|web|api|graphql|rest|grpc-web|ui$/i.test(serviceName);
}

/** Warnings of SPEC.md section 5: accepted, but worth knowing (201 with `warnings`). */
export function assignmentWarnings(
  serviceName: string,
  block: PortBlock,
  context: WarningContext,
): AssignmentWarning[] {
  const warnings: AssignmentWarning[] = [];
  const ports =
    block.portStart === block.portEnd
      ? `${block.portStart}`
      : `${block.portStart}-${block.portEnd}`;
  if (context.ianaHolders.length > 0) {
    warnings.push({
      code: 'iana-assigned',
      message: `IANA assigns ${ports}/${block.protocol} to ${context.ianaHolders.slice(0, 5).join(', ')}`,
    });
  }
  const systems = ephemeralSystems(block.portStart, block.portEnd).filter(
    (system) => !system.startsWith('IANA'),
  );
  if (systems.length > 0) {
    warnings.push({
      code: 'ephemeral-overlap',
      message: `overlaps the default ephemeral port range of ${systems.join(', ')}: outgoing connections may take the port`,
    });
  }
  if (block.portStart < PRIVILEGED_BELOW) {
    warnings.push({
      code: 'privileged',
      message: 'ports below 1024 need root or CAP_NET_BIND_SERVICE to bind on Linux',
    });
  }
  if (context.browserBlockedPorts.length > 0 && looksLikeHttp(serviceName)) {
    warnings.push({
      code: 'browser-blocked',
      message: `browsers refuse HTTP(S) to port ${context.browserBlockedPorts.slice(0, 5).join(', ')} (WHATWG Fetch bad ports)`,
    });
  }
  for (const band of bandsContaining(block.portStart, block.portEnd)) {
    warnings.push({
      code: band.id === 'kubernetes-nodeport' ? 'kubernetes-nodeport' : 'nomad-dynamic',
      message: `overlaps the ${band.label} range ${band.start}-${band.end}`,
    });
  }
  return warnings;
}
