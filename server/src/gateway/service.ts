import type { BackendView } from './backends/backend.js';
import type { AdminActor, BackendManager } from './backends/manager.js';
import type { GatewayConfig } from './config-schema.js';
import type { Caller, Limiter } from './limits/limiter.js';

/** An entry of `GET /v1/models` (OpenAI "The model object"). */
export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The gateway's operations other than relaying calls: models, backends, health. */
export class GatewayService {
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(
    private readonly config: GatewayConfig,
    private readonly manager: BackendManager,
    private readonly limiter: Limiter,
  ) {}

  /**
   * The models the caller may use: served by a replica that is up, allowed by every quota plan in
   * force, plus the aliases pointing at them.
   */
  async models(caller: Caller): Promise<ModelEntry[]> {
    const subjects = await this.limiter.limitsFor(caller);
    const served = new Map<string, number>();
    for (const b of this.manager.registry.all()) {
      if (!b.up || b.removed) continue;
      for (const model of b.models())
        served.set(model, b.createdOf(model) ?? served.get(model) ?? this.startedAt);
    }
    const entries: ModelEntry[] = [];
    const add = (id: string, target: string) => {
      const created = served.get(target);
      if (created === undefined || !this.limiter.allows(subjects, [id, target])) return;
      entries.push({ id, object: 'model', created: created || this.startedAt, owned_by: 'ai-la' });
    };
    for (const model of served.keys()) add(model, model);
    for (const [alias, target] of Object.entries(this.config.aliases))
      if (!served.has(alias)) add(alias, target);
    return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Every replica with its health, latency and load. */
  backends(): BackendView[] {
    return this.manager.list();
  }

  /** Whether at least one replica can take requests (the readiness condition). */
  hasRoutableBackend(): boolean {
    const registry = this.manager.registry;
    return registry.all().some((b) => registry.isRoutable(b));
  }

  drain(target: string, actor: AdminActor, reason: string): Promise<BackendView[]> {
    return this.manager.drain(target, actor, reason);
  }

  enable(target: string, actor: AdminActor): Promise<BackendView[]> {
    return this.manager.enable(target, actor);
  }

  /** Resolves DNS and checks every replica now (instead of waiting for the timers). */
  async refresh(): Promise<void> {
    await this.manager.discover();
    await this.manager.checkAll();
  }
}
