import { type Static, Type } from '@sinclair/typebox';

/*
 * The `retention` section of the configuration: how the retention job runs. What it keeps and for
 * how long are admin settings (`GET/PUT /api/v1/admin/settings`), and legal holds suspend it.
 */

export const RetentionConfig = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Run the retention job on its schedule. Off: it only runs when an admin starts it.',
    }),
    intervalHours: Type.Integer({
      minimum: 1,
      maximum: 168,
      default: 24,
      description: 'Hours between runs (counted from the start of the last finished run, on any replica).',
    }),
    checkIntervalMs: Type.Integer({
      minimum: 1000,
      default: 600000,
      description: 'How often each replica checks whether a run is due.',
    }),
    batchSize: Type.Integer({
      minimum: 1,
      maximum: 100000,
      default: 5000,
      description: 'Rows deleted per statement, so a run never holds long locks.',
    }),
    leaseTtlMs: Type.Integer({
      minimum: 3000,
      default: 60000,
      description:
        'A run whose replica stopped sending heartbeats for this long is abandoned, and another replica may run.',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description:
      'The retention job: deletes retained content, usage events and ended sessions past their retention periods, except under legal hold. Log entries are never deleted.',
  },
);

export type RetentionConfig = Static<typeof RetentionConfig>;
