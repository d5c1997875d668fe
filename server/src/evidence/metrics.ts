/**
 * Evidence metrics, registered on the appliance's Prometheus registry. Gauges that need the database
 * are computed at scrape time.
 */
import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { KeyRing } from './keys/key-ring.js';
import { LOG_NAMES, type LogDescriptor, type LogName } from './logs.js';
import type { ProofService } from './proofs.js';
import type { Integration } from './sequencer/log-sequencer.js';
import { withConnection } from './store/sql.js';

export interface EvidenceMetricsDeps {
  registry: Registry;
  db: Knex;
  logs: Record<LogName, LogDescriptor>;
  proofs: ProofService;
  keys: KeyRing;
  rotateAfterDays: number;
  isLeader: (log: LogName) => boolean;
}

/**
 * Runs a scrape-time collection; when the database is unreachable the gauge keeps its last values
 * rather than failing the whole scrape.
 */
async function tolerant(collect: () => Promise<void>): Promise<void> {
  try {
    await collect();
  } catch {
    // Stale values until the database answers again; the readiness probe reports the outage.
  }
}

export class EvidenceMetrics {
  readonly receipts: Counter<'status'>;
  readonly integrated: Counter<'log'>;
  readonly integrationLatency: Histogram<'log'>;
  readonly signingFailures: Counter<'key'>;

  constructor(deps: EvidenceMetricsDeps) {
    const registers = [deps.registry];
    this.receipts = new Counter({
      name: 'aila_evidence_receipts_total',
      help: 'Receipts recorded (signed and durably queued), by operation status.',
      labelNames: ['status'] as const,
      registers,
    });
    this.integrated = new Counter({
      name: 'aila_evidence_integrated_total',
      help: 'Leaves integrated into a log by this replica.',
      labelNames: ['log'] as const,
      registers,
    });
    this.signingFailures = new Counter({
      name: 'aila_evidence_signing_failures_total',
      help: 'Signatures a remote signer (Vault Transit) failed to make or made wrongly, by key (receipt or log); each failed receipt was withheld.',
      labelNames: ['key'] as const,
      registers,
    });
    this.integrationLatency = new Histogram({
      name: 'aila_evidence_integration_seconds',
      help: 'Time from a leaf being appended to the commit of the first checkpoint that contains it.',
      labelNames: ['log'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'aila_evidence_sequencer_lag_seconds',
      help: 'Age of the oldest leaf appended but not yet integrated (0 when none).',
      labelNames: ['log'] as const,
      registers,
      collect: function (this: Gauge<'log'>) {
        return tolerant(async () => {
          const { rows } = await withConnection(deps.db, (c) =>
            c.query<{ log: number; lag: number | null }>(
              `select g.log, (select extract(epoch from now() - l.created_at)::float8
                              from log_queue q join log_leaves l on l.id = q.id
                             where q.log = g.log order by q.id limit 1) as lag
               from unnest($1::smallint[]) as g(log)`,
              [LOG_NAMES.map((n) => deps.logs[n].id)],
            ),
          );
          for (const name of LOG_NAMES) {
            const row = rows.find((r) => r.log === deps.logs[name].id);
            this.set({ log: name }, Math.max(0, row?.lag ?? 0));
          }
        });
      },
    });
    new Gauge({
      name: 'aila_evidence_log_size',
      help: 'Tree size of the latest checkpoint of each log.',
      labelNames: ['log'] as const,
      registers,
      collect: function (this: Gauge<'log'>) {
        return tolerant(async () => {
          for (const name of LOG_NAMES) {
            const latest = await deps.proofs.latest(deps.logs[name]);
            this.set({ log: name }, latest?.size ?? 0);
          }
        });
      },
    });
    new Gauge({
      name: 'aila_evidence_sequencer_leader',
      help: '1 while this replica is the elected sequencer of the log.',
      labelNames: ['log'] as const,
      registers,
      collect: function (this: Gauge<'log'>) {
        for (const name of LOG_NAMES) this.set({ log: name }, deps.isLeader(name) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'aila_signing_key_expiry_timestamp_seconds',
      help: 'When each signing key in use stops (rotated keys: exp) or is due for rotation (nbf + evidence.keys.rotateAfterDays).',
      labelNames: ['kid', 'purpose'] as const,
      registers,
      collect: function (this: Gauge<'kid' | 'purpose'>) {
        return tolerant(async () => {
          const keys = await deps.keys.stored();
          const now = Date.now();
          this.reset();
          for (const key of keys) {
            if (key.exp !== null && key.exp <= now) continue;
            const end = key.exp ?? key.nbf + deps.rotateAfterDays * 86_400_000;
            this.set({ kid: key.kid, purpose: key.purpose }, end / 1000);
          }
        });
      },
    });
  }

  /** Records one committed integration. */
  observe(integration: Integration): void {
    const log = integration.log.name;
    this.integrated.inc({ log }, integration.added);
    for (const at of integration.appendedAt) {
      this.integrationLatency.observe({ log }, Math.max(0, integration.committedAt - at) / 1000);
    }
  }
}
