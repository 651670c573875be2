import { ApiError } from './errors.js';

export type Permission = 'scaimind:view' | 'scaimind:manage' | 'scaimind:evaluate' | 'scaimind:cluster_admin';

/** Who a bearer key belongs to. The tenant always comes from the key, never from a body. */
export interface Principal {
  key: string;
  tenant: string;
  permissions: ReadonlySet<Permission>;
}

/** The emulator's built-in API keys (exact values; documented in the README). */
export const EMULATOR_KEYS = {
  /** tenant `acme`, every permission */
  dev: 'sgk_dev_acme_4f9c2e7a1b3d5f6081a2c4e6f8091b2d',
  /** tenant `acme`, `scaimind:view` only */
  viewer: 'sgk_view_acme_7d1e3a5c9b2f4e6a8c0d2f4a6b8c0e1f',
  /** tenant `acme`, `scaimind:view` + `scaimind:evaluate` (no manage) */
  evaluator: 'sgk_eval_acme_2b4d6f8a0c1e3a5c7e9b1d3f5a7c9e0b',
  /** tenant `acme`, `scaimind:evaluate` only: submits and reads evaluations, cannot read jobs */
  evaluateOnly: 'sgk_evalonly_acme_5e7a9c1b3d5f7a9c1e3b5d7f9a1c3e5b',
  /** tenant `globex`, every permission */
  otherTenant: 'sgk_dev_globex_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
} as const;

const ALL: readonly Permission[] = ['scaimind:view', 'scaimind:manage', 'scaimind:evaluate', 'scaimind:cluster_admin'];

const KEYS: ReadonlyMap<string, Omit<Principal, 'key'>> = new Map([
  [EMULATOR_KEYS.dev, { tenant: 'acme', permissions: new Set(ALL) }],
  [EMULATOR_KEYS.viewer, { tenant: 'acme', permissions: new Set<Permission>(['scaimind:view']) }],
  [
    EMULATOR_KEYS.evaluator,
    { tenant: 'acme', permissions: new Set<Permission>(['scaimind:view', 'scaimind:evaluate']) },
  ],
  [EMULATOR_KEYS.evaluateOnly, { tenant: 'acme', permissions: new Set<Permission>(['scaimind:evaluate']) }],
  [EMULATOR_KEYS.otherTenant, { tenant: 'globex', permissions: new Set(ALL) }],
]);

/** The raw bearer token of a request, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Resolves the Authorization header to a principal: 401 when missing or unknown. */
export function authenticate(header: string | undefined): Principal {
  if (header === undefined || header.trim() === '') {
    throw new ApiError('AUTH_TOKEN_MISSING', 'Authorization header with a Bearer token is required');
  }
  const token = bearerToken(header);
  const entry = token === null ? undefined : KEYS.get(token);
  if (token === null || entry === undefined) {
    throw new ApiError('AUTH_TOKEN_INVALID', 'The API key or token is not valid');
  }
  return { key: token, ...entry };
}

/** Any one of `permission` is enough (reading evaluations is listed under both view and evaluate). */
export function authorize(principal: Principal, permission: Permission | readonly Permission[]): void {
  const anyOf: readonly Permission[] = typeof permission === 'string' ? [permission] : permission;
  if (!anyOf.some((p) => principal.permissions.has(p))) {
    throw new ApiError('AUTHZ_PERMISSION_DENIED', `This operation requires the ${anyOf.join(' or ')} permission`);
  }
}
