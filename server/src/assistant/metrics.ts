import { Counter, Histogram, type Registry } from 'prom-client';

/** The assistant's Prometheus metrics, registered on the appliance registry. */
export class AssistantMetrics {
  readonly operations: Counter<'op' | 'status'>;
  readonly duration: Histogram<'op' | 'status'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.operations = new Counter({
      name: 'aila_assistant_operations_total',
      help: 'Assistant operations that got a receipt, by operation (generate, analyze, chat) and outcome (ok, error, cancelled).',
      labelNames: ['op', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'aila_assistant_operation_duration_seconds',
      help: 'Duration of assistant operations, from the request to the receipt.',
      labelNames: ['op', 'status'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
  }
}
