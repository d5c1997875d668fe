import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AuditService } from '../../audit/index.js';
import { AppError } from '../../platform/errors.js';
import type { GatewayConfig } from '../config-schema.js';
import type { GatewayMetrics } from '../metrics.js';
import type { Backend, BackendView } from './backend.js';
import { type DnsResolver, resolveGroup } from './discovery.js';
import { deleteDrain, insertDrain, listDrains } from './drain-repository.js';
import { checkReplica } from './probe.js';
import { BackendRegistry } from './registry.js';

/** Who changed a backend, for the audit trail. */
export interface AdminActor {
  userId: string;
  ip?: string | undefined;
}

export interface BackendManagerDeps {
  db: Knex;
  log: Logger;
  config: GatewayConfig;
  metrics: GatewayMetrics;
  resolver: DnsResolver;
  audit?: AuditService | undefined;
  /** Time source of the circuit breakers (tests); default Date.now. */
  clock?: (() => number) | undefined;
}

/**
 * Keeps the replica set current: DNS discovery, active health checks, the drain state shared
 * through PostgreSQL, and the `aila_gateway_backend_up` gauge.
 */
export class BackendManager {
  readonly registry: BackendRegistry;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly upLabels = new Map<string, { backend: string; model: string }>();
  private closed = false;

  constructor(private readonly deps: BackendManagerDeps) {
    this.registry = new BackendRegistry(deps.config, deps.clock);
  }

  /** First discovery and health round (awaited, so the gateway starts knowing its replicas), then timers. */
  async start(): Promise<void> {
    await this.discover();
    await this.checkAll();
    const { discovery, healthCheck } = this.deps.config;
    if (this.registry.dnsGroups().length > 0) this.every(discovery.refreshMs, () => this.discover());
    this.every(healthCheck.intervalMs, () => this.checkAll());
  }

  private every(ms: number, task: () => Promise<void>): void {
    const run = () => {
      const timer = setTimeout(async () => {
        this.timers.delete(timer);
        try {
          await task();
        } catch (err) {
          this.deps.log.warn({ err }, 'gateway background task failed');
        }
        if (!this.closed) run();
      }, ms);
      timer.unref();
      this.timers.add(timer);
    };
    run();
  }

  /** Resolves every DNS group once; new replicas are health-checked before they take traffic. */
  async discover(): Promise<void> {
    const { log } = this.deps;
    for (const group of this.registry.dnsGroups()) {
      const result = await resolveGroup(this.deps.resolver, group);
      if (!result.ok) {
        log.warn(
          { backend: group.name, error: result.error },
          'DNS discovery failed: keeping known replicas',
        );
        continue;
      }
      const { added, removed } = this.registry.applyDns(group, result.addresses);
      if (added.length > 0 || removed.length > 0) {
        log.info(
          { backend: group.name, added: added.map((b) => b.id), removed: removed.map((b) => b.id) },
          'backend replicas changed',
        );
      }
      for (const b of removed) if (b.inFlight === 0) b.close();
      await Promise.all(added.map((b) => this.checkOne(b)));
    }
    this.updateGauges();
  }

  /** Reloads the drain state and checks every replica once. */
  async checkAll(): Promise<void> {
    try {
      this.registry.setDrains((await listDrains(this.deps.db)).map((d) => d.target));
    } catch (err) {
      this.deps.log.warn({ err }, 'cannot read backend drain state: keeping the last known');
    }
    await Promise.all(this.registry.all().map((b) => this.checkOne(b)));
    this.updateGauges();
  }

  private async checkOne(b: Backend): Promise<void> {
    const { timeoutMs, unhealthyThreshold } = this.deps.config.healthCheck;
    const started = performance.now();
    try {
      const models = await checkReplica(b, timeoutMs);
      b.setDiscovered(models);
      b.probeMs = performance.now() - started;
      if (!b.up) this.deps.log.info({ backend: b.id }, 'backend up');
      b.up = true;
      b.checkFailures = 0;
      b.lastError = undefined;
    } catch (err) {
      b.checkFailures += 1;
      b.lastError = (err as Error).message;
      if (b.up && b.checkFailures >= unhealthyThreshold) {
        b.up = false;
        this.deps.log.warn({ backend: b.id, error: b.lastError }, 'backend down');
      }
    } finally {
      b.lastCheckAt = new Date();
    }
  }

  /** Publishes `aila_gateway_backend_up{backend,model}` for every replica and model. */
  updateGauges(): void {
    const seen = new Set<string>();
    for (const b of this.registry.all()) {
      const up = this.registry.isRoutable(b) ? 1 : 0;
      for (const model of b.models()) {
        const key = `${b.id}\n${model}`;
        seen.add(key);
        this.upLabels.set(key, { backend: b.id, model });
        this.deps.metrics.backendUp.set({ backend: b.id, model }, up);
      }
    }
    for (const [key, labels] of this.upLabels) {
      if (seen.has(key)) continue;
      this.deps.metrics.backendUp.remove(labels);
      this.upLabels.delete(key);
    }
  }

  list(): BackendView[] {
    return this.registry.all().map((b) => this.registry.view(b));
  }

  private viewsOf(target: string): BackendView[] {
    return this.registry
      .all()
      .filter((b) => b.id === target || b.group === target)
      .map((b) => this.registry.view(b));
  }

  /** Drains a group or replica on every appliance replica (persisted, audited). */
  async drain(target: string, actor: AdminActor, reason: string): Promise<BackendView[]> {
    if (!this.registry.knows(target)) throw new AppError('NOT_FOUND', 'No such backend.');
    await this.deps.db.transaction(async (trx) => {
      await insertDrain(trx, target, reason, actor.userId);
      await this.audit(trx, actor, target, { change: 'drained', reason });
    });
    this.registry.drain(target);
    this.updateGauges();
    return this.viewsOf(target);
  }

  /** Re-enables a drained group or replica (persisted, audited). */
  async enable(target: string, actor: AdminActor): Promise<BackendView[]> {
    if (!this.registry.knows(target)) throw new AppError('NOT_FOUND', 'No such backend.');
    await this.deps.db.transaction(async (trx) => {
      if (await deleteDrain(trx, target)) await this.audit(trx, actor, target, { change: 'enabled' });
    });
    this.registry.undrain(target);
    this.updateGauges();
    return this.viewsOf(target);
  }

  private async audit(
    trx: Knex.Transaction,
    actor: AdminActor,
    target: string,
    details: { [key: string]: string },
  ): Promise<void> {
    await this.deps.audit?.record(trx, {
      action: 'backend.updated',
      outcome: 'success',
      actor: { type: 'user', id: actor.userId, ...(actor.ip ? { ip: actor.ip } : {}) },
      target: { type: 'backend', id: target },
      details,
    });
  }

  /** Stops the timers and closes idle pooled connections. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.registry.close();
  }
}
