import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Outcome label of `aila_gateway_requests_total`. */
export type RequestOutcome = 'ok' | 'error' | 'cancelled' | 'rate_limited';

/** The gateway's Prometheus metrics, registered on the appliance registry. */
export class GatewayMetrics {
  readonly requests: Counter<'model' | 'backend' | 'status'>;
  readonly timeToFirstToken: Histogram<'model'>;
  readonly duration: Histogram<'model' | 'status'>;
  readonly backendUp: Gauge<'backend' | 'model'>;
  readonly inFlight: Gauge<'backend'>;
  readonly retries: Counter<'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'aila_gateway_requests_total',
      help: 'AI calls through the gateway by requested model, serving replica and outcome (ok, error, cancelled, rate_limited).',
      labelNames: ['model', 'backend', 'status'],
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: 'aila_gateway_time_to_first_token_seconds',
      help: 'Time from receiving a call to the first generated chunk (streaming) or the full answer (non-streaming).',
      labelNames: ['model'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    this.duration = new Histogram({
      name: 'aila_gateway_request_duration_seconds',
      help: 'Duration of AI calls through the gateway, until the last byte.',
      labelNames: ['model', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.backendUp = new Gauge({
      name: 'aila_gateway_backend_up',
      help: '1 when the replica is healthy, its circuit closed and it is not drained, per served model.',
      labelNames: ['backend', 'model'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'aila_gateway_in_flight_requests',
      help: 'Requests this appliance replica has in flight to each model replica.',
      labelNames: ['backend'],
      registers,
    });
    this.retries = new Counter({
      name: 'aila_gateway_retries_total',
      help: 'Attempts repeated on another replica, by reason (connect, status_502, status_503).',
      labelNames: ['reason'],
      registers,
    });
  }
}
