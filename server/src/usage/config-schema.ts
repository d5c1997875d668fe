import { type Static, Type } from '@sinclair/typebox';

/*
 * The `gateway.usage` configuration: how usage events are batched and kept. Imported by
 * gateway/config-schema.ts, which nests it under the gateway section.
 */

export const UsageConfig = Type.Object(
  {
    flushIntervalMs: Type.Integer({
      minimum: 50,
      default: 1000,
      description: 'Usage events are written to PostgreSQL in batches at least this often.',
    }),
    batchSize: Type.Integer({
      minimum: 1,
      default: 500,
      description: 'A batch is written as soon as this many events are waiting.',
    }),
    maxQueue: Type.Integer({
      minimum: 100,
      default: 100000,
      description:
        'Events kept in memory while PostgreSQL is unreachable; beyond this the oldest are dropped (logged).',
    }),
    retentionDays: Type.Integer({
      minimum: 0,
      default: 90,
      description:
        'Default retention of per-call usage events in days (daily rollups stay; 0 keeps them), until an admin sets `usage_days` in the retention settings. The daily retention job deletes them.',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'Usage recording: one event per AI call, batched off the request path, rolled up per day.',
  },
);

/** The validated `gateway.usage` configuration. */
export type UsageConfig = Static<typeof UsageConfig>;
