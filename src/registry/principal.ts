import type { KeyScope } from '../generated/prisma/enums.js';

export type Scope = KeyScope;
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** Who is asking: the operator (ADMIN_API_KEY) or an organisation's key. */
export type Principal =
  | { kind: 'operator'; label: string }
  | {
      kind: 'key';
      keyId: number;
      organizationId: number;
      scopes: readonly Scope[];
      label: string;
    };

/** admin includes write, write includes read. */
export function hasScope(principal: Principal, needed: Scope): boolean {
  if (principal.kind === 'operator') return true;
  const rank = (scope: Scope) => SCOPES.indexOf(scope);
  return principal.scopes.some((scope) => rank(scope) >= rank(needed));
}

/** True when the principal may act on the organisation at all (else it must look absent). */
export function canSee(principal: Principal, organizationId: number): boolean {
  return principal.kind === 'operator' || principal.organizationId === organizationId;
}
