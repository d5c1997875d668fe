import type { Logger } from 'pino';
import type { VaultClient } from './vault-client.js';
import { VaultError } from './vault-raw.js';

/** A lease as Vault returned it with a secret. */
export interface Lease {
  id: string;
  durationSeconds: number;
  renewable: boolean;
}

/** Act at this fraction of the remaining TTL (renewal, or replacement when renewal is exhausted). */
const ACT_AT = 2 / 3;

/**
 * Keeps one lease alive: renews it (`PUT sys/leases/renew`,
 * https://developer.hashicorp.com/vault/api-docs/system/leases#renew-lease) at 2/3 of its TTL, asking
 * for its original duration. When Vault grants less (the lease is near its max TTL), cannot renew it
 * or no longer knows it, `onExpiring` is called at 2/3 of what is left so the owner can replace the
 * secret while the old one still works.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private expires: number;

  constructor(
    private readonly vault: VaultClient,
    readonly lease: Lease,
    private readonly onExpiring: () => void,
    private readonly log: Logger,
  ) {
    this.expires = Date.now() + lease.durationSeconds * 1000;
  }

  /** Epoch ms at which the lease currently expires. */
  get expiresAt(): number {
    return this.expires;
  }

  start(): void {
    this.plan(this.lease.durationSeconds, this.lease.renewable);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private at(ms: number, action: () => void): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(action, Math.max(0, ms));
    this.timer.unref();
  }

  private plan(ttlSeconds: number, renewable: boolean): void {
    const exhausted = !renewable || ttlSeconds < this.lease.durationSeconds;
    if (exhausted) this.at(ttlSeconds * 1000 * ACT_AT, () => this.expiring());
    else this.at(ttlSeconds * 1000 * ACT_AT, () => void this.renew(0));
  }

  private expiring(): void {
    if (!this.stopped) this.onExpiring();
  }

  private async renew(attempt: number): Promise<void> {
    if (this.stopped) return;
    try {
      const response = await this.vault.renewLease(this.lease.id, this.lease.durationSeconds);
      this.expires = Date.now() + response.lease_duration * 1000;
      this.log.debug({ leaseId: this.lease.id, ttlSeconds: response.lease_duration }, 'lease renewed');
      this.plan(response.lease_duration, response.renewable);
    } catch (err) {
      const remaining = this.expires - Date.now();
      if (err instanceof VaultError && err.unavailable && remaining > 0) {
        const retryIn = Math.min(1000 * 2 ** attempt, remaining / 3);
        this.log.warn(
          { leaseId: this.lease.id, err: err.message, retryInMs: retryIn },
          'lease renewal failed; retrying',
        );
        this.at(retryIn, () => void this.renew(attempt + 1));
        return;
      }
      this.log.warn({ leaseId: this.lease.id, err: (err as Error).message }, 'lease cannot be renewed');
      this.expiring();
    }
  }
}
