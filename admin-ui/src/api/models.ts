/** The models catalogue of the gateway (server/src/gateway/model-catalog.ts). */
import { api } from './client.js';
import type { BackendView, UsageTotals } from './gateway.js';

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

export interface CatalogModel {
  id: string;
  aliases: string[];
  served: boolean;
  routable: boolean;
  replicas: ModelReplica[];
  usage_24h: UsageTotals & { by_name: Array<{ name: string; requests: number; total_tokens: number }> };
  plans: Array<{
    id: string;
    name: string;
    access: 'allowed' | 'alias_only' | 'blocked';
    allowed_names: string[];
  }>;
}

export const models = {
  catalog: () => api.get<{ data: CatalogModel[] }>('/api/v1/admin/models'),
};
