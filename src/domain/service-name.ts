/** Service name rules of RFC 6335 section 5.1. */

export const SERVICE_NAME_MAX_LENGTH = 15;

export type ServiceNameProblem =
  'empty' | 'too-long' | 'invalid-character' | 'no-letter' | 'hyphen-at-edge' | 'double-hyphen';

const PROBLEM_MESSAGES: Record<ServiceNameProblem, string> = {
  empty: 'must not be empty',
  'too-long': `must be at most ${SERVICE_NAME_MAX_LENGTH} characters`,
  'invalid-character': 'may contain only ASCII letters, digits and hyphens',
  'no-letter': 'must contain at least one letter',
  'hyphen-at-edge': 'must not begin or end with a hyphen',
  'double-hyphen': 'must not contain two hyphens in a row',
};

/** Returns the first rule of RFC 6335 section 5.1 that `name` breaks, or null when it is valid. */
export function serviceNameProblem(name: string): ServiceNameProblem | null {
  if (name.length === 0) return 'empty';
  if (name.length > SERVICE_NAME_MAX_LENGTH) return 'too-long';
  if (!/^[A-Za-z0-9-]+$/.test(name)) return 'invalid-character';
  if (!/[A-Za-z]/.test(name)) return 'no-letter';
  if (name.startsWith('-') || name.endsWith('-')) return 'hyphen-at-edge';
  if (name.includes('--')) return 'double-hyphen';
  return null;
}

export function serviceNameMessage(problem: ServiceNameProblem): string {
  return `service name ${PROBLEM_MESSAGES[problem]} (RFC 6335 section 5.1)`;
}

export function isValidServiceName(name: string): boolean {
  return serviceNameProblem(name) === null;
}

/** Names compare without case (RFC 6335 section 5.1): `HTTP` and `http` are one service. */
export function serviceNameKey(name: string): string {
  return name.toLowerCase();
}
