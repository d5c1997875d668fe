import { Resolver } from 'node:dns/promises';
import type { BackendConfig } from '../config-schema.js';

/** The part of `node:dns/promises` `Resolver` discovery uses; tests inject their own. */
export interface DnsResolver {
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
}

/** The system resolver (c-ares, reading /etc/resolv.conf), as a Kubernetes pod sees cluster DNS. */
export const systemResolver = (): DnsResolver => new Resolver();

/** Answers meaning "this name has no such records" rather than "DNS did not answer". */
const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND', 'NOTFOUND', 'NODATA']);

/** The outcome of resolving one group: its addresses, or an error that keeps the last known set. */
export type DnsResult = { ok: true; addresses: string[] } | { ok: false; error: string };

/**
 * Resolves every A and AAAA record of a headless Service: each is one ready replica (Kubernetes
 * publishes only ready endpoints unless publishNotReadyAddresses is set). "No records" is an empty
 * set (the Service scaled to zero); any other failure leaves the caller's current set untouched.
 */
export async function resolveGroup(resolver: DnsResolver, group: BackendConfig): Promise<DnsResult> {
  const name = group.dns?.name;
  if (name === undefined) return { ok: true, addresses: [] };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  const addresses: string[] = [];
  const errors: string[] = [];
  for (const result of [v4, v6]) {
    if (result.status === 'fulfilled') addresses.push(...result.value);
    else {
      const code = (result.reason as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && NO_RECORDS.has(code)) continue;
      errors.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
    }
  }
  // One family failing hard while the other answered still gives a usable (partial) answer only
  // if that family had nothing to say; be conservative and keep the old set on any hard failure.
  if (errors.length > 0) return { ok: false, error: errors.join('; ') };
  return { ok: true, addresses: [...new Set(addresses)].sort() };
}
