/**
 * How far a reader of receipts or audit events reaches (ARCHITECTURE.md "Roles"): everything
 * (admins, auditors), their teams' and their own (team admins), or their own (developers). The router
 * gets it from a dependency, so this module does not depend on how identity represents grants.
 */
import type { Request } from 'express';

export type ReadScope =
  | { kind: 'all' }
  | { kind: 'team'; userId: string; teamIds: readonly string[] }
  | { kind: 'own'; userId: string };

/** Resolves the caller's scope for a request (authentication and RBAC already ran). */
export type ScopeResolver = (req: Request) => ReadScope | Promise<ReadScope>;

/** Opaque cursor of a keyset page: the sort key of the last item. */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(parts.join('.'), 'utf8').toString('base64url');
}

/** Decodes a cursor of `n` integer parts, or undefined when it is malformed. */
export function decodeCursor(cursor: string, n: number): number[] | undefined {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  if (parts.length !== n || !parts.every((p) => /^(0|[1-9][0-9]{0,15})$/.test(p))) return undefined;
  const values = parts.map(Number);
  return values.every(Number.isSafeInteger) ? values : undefined;
}

/** A time filter value: Unix ms digits or an RFC 3339 date-time. */
export function parseTime(value: string): number | undefined {
  if (/^[0-9]{1,15}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2}))?$/.test(value))
    return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
