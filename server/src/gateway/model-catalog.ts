import type { Knex } from 'knex';
import type { UsageModule, UsageTotals } from '../usage/index.js';
import type { BackendView } from './backends/backend.js';
import type { GatewayConfig } from './config-schema.js';
import { listPlans } from './limits/plan-repository.js';

const DAY_MS = 86_400_000;

/** A replica serving a model, with the health the admin console shows. */
export type ModelReplica = Pick<
  BackendView,
  | 'id'
  | 'group'
  | 'url'
  | 'up'
  | 'routable'
  | 'drained'
  | 'circuit'
  | 'in_flight'
  | 'latency_ms'
  | 'last_check_at'
>;

/** One model the gateway serves (or an alias points at), as `GET /api/v1/admin/models` shows it. */
export interface CatalogModel {
  id: string;
  /** Names that resolve to this model (`gateway.aliases`). */
  aliases: string[];
  /** Some replica lists the model, healthy or not. */
  served: boolean;
  /** Some replica that lists it takes requests now. */
  routable: boolean;
  replicas: ModelReplica[];
  /** Calls of the last 24 hours, by every name of the model, and per name. */
  usage_24h: UsageTotals & { by_name: Array<{ name: string; requests: number; total_tokens: number }> };
  /**
   * Quota plans that restrict models (allowed_models set): which of this model's names each one
   * allows; an empty list means the plan blocks the model.
   */
  plans: Array<{
    id: string;
    name: string;
    /** allowed: under every name (the plan lists the model); alias_only: only as the names listed. */
    access: 'allowed' | 'alias_only' | 'blocked';
    allowed_names: string[];
  }>;
}

const EMPTY: UsageTotals = {
  requests: 0,
  errors: 0,
  cancelled: 0,
  prompt_tokens: 0,
  completion_tokens: 0,
  total_tokens: 0,
  avg_latency_ms: null,
  avg_ttft_ms: null,
};

/** Sums usage rows; averages weighted by their request counts. */
function sum(rows: readonly UsageTotals[]): UsageTotals {
  const total = { ...EMPTY };
  let latency = 0;
  let ttft = 0;
  let ttftWeight = 0;
  for (const r of rows) {
    total.requests += r.requests;
    total.errors += r.errors;
    total.cancelled += r.cancelled;
    total.prompt_tokens += r.prompt_tokens;
    total.completion_tokens += r.completion_tokens;
    total.total_tokens += r.total_tokens;
    latency += (r.avg_latency_ms ?? 0) * r.requests;
    if (r.avg_ttft_ms !== null) {
      ttft += r.avg_ttft_ms * r.requests;
      ttftWeight += r.requests;
    }
  }
  total.avg_latency_ms = total.requests > 0 ? Math.round(latency / total.requests) : null;
  total.avg_ttft_ms = ttftWeight > 0 ? Math.round(ttft / ttftWeight) : null;
  return total;
}

const replicaOf = (b: BackendView): ModelReplica => ({
  id: b.id,
  group: b.group,
  url: b.url,
  up: b.up,
  routable: b.routable,
  drained: b.drained,
  circuit: b.circuit,
  in_flight: b.in_flight,
  latency_ms: b.latency_ms,
  last_check_at: b.last_check_at,
});

/**
 * Every model the gateway knows: those its replicas serve and those its aliases point at, each with
 * its aliases, replicas and their health, usage of the last 24 hours and the plans that restrict it.
 */
export async function modelCatalog(deps: {
  db: Knex;
  config: GatewayConfig;
  backends: readonly BackendView[];
  usage: Pick<UsageModule, 'recentByModel'>;
}): Promise<CatalogModel[]> {
  const { aliases } = deps.config;
  const ids = new Set([...deps.backends.flatMap((b) => b.models), ...Object.values(aliases)]);
  const [usage, plans] = await Promise.all([
    deps.usage.recentByModel(new Date(Date.now() - DAY_MS)),
    listPlans(deps.db),
  ]);
  const usageOf = new Map(usage.map((u) => [u.model, u]));
  const restricting = plans.filter((p) => p.allowedModels !== null);
  const catalog = [...ids].sort().map((id): CatalogModel => {
    const names = [
      id,
      ...Object.keys(aliases)
        .filter((a) => aliases[a] === id && a !== id)
        .sort(),
    ];
    const replicas = deps.backends.filter((b) => b.models.includes(id));
    const used = names.flatMap((name) => {
      const u = usageOf.get(name);
      return u ? [{ name, totals: u }] : [];
    });
    return {
      id,
      aliases: names.slice(1),
      served: replicas.length > 0,
      routable: replicas.some((b) => b.routable),
      replicas: replicas.map(replicaOf),
      usage_24h: {
        ...sum(used.map((u) => u.totals)),
        by_name: used.map((u) => ({
          name: u.name,
          requests: u.totals.requests,
          total_tokens: u.totals.total_tokens,
        })),
      },
      plans: restricting.map((p) => {
        const allowed = names.filter((n) => p.allowedModels?.includes(n));
        // The gateway admits a call when the plan lists the requested name or the model it resolves to.
        const access = allowed.includes(id) ? 'allowed' : allowed.length > 0 ? 'alias_only' : 'blocked';
        return { id: p.id, name: p.name, access, allowed_names: allowed };
      }),
    };
  });
  // Served models first: a model only an alias names is a configuration problem to look at last.
  return [...catalog.filter((m) => m.served), ...catalog.filter((m) => !m.served)];
}
