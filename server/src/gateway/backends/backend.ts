import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { BackendConfig, GatewayConfig } from '../config-schema.js';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

/** Where a replica came from. */
export type BackendSource = 'static' | 'dns';

/** A replica as the admin API shows it (no credentials). */
export interface BackendView {
  id: string;
  group: string;
  source: BackendSource;
  url: string;
  models: string[];
  labels: Record<string, string>;
  weight: number;
  max_concurrency: number;
  up: boolean;
  routable: boolean;
  drained: boolean;
  circuit: CircuitState;
  consecutive_failures: number;
  in_flight: number;
  latency_ms: number | null;
  probe_ms: number | null;
  last_check_at: string | null;
  last_error: string | null;
}

/** Weight of the newest sample in the exponentially weighted latency average. */
const EWMA_ALPHA = 0.2;
/** Idle connections kept per backend without a concurrency limit. */
const IDLE_CONNECTIONS = 2048;

/**
 * One model server replica (a vLLM process): its address, the models it serves, its active and
 * passive health, and the requests this appliance replica has in flight to it.
 */
export class Backend {
  readonly agent: HttpAgent;
  /** Health checks use their own small pool, so a replica busy up to maxConcurrency still answers them. */
  readonly probeAgent: HttpAgent;
  readonly breaker: CircuitBreaker;
  /** Models reported by GET /v1/models, with their `created` time. */
  private discovered = new Map<string, number>();
  private readonly configured: ReadonlySet<string> | undefined;
  up = false;
  checkFailures = 0;
  lastCheckAt: Date | undefined;
  lastError: string | undefined;
  inFlight = 0;
  /** Exponentially weighted time from sending a request to its response head, in ms. */
  latencyMs: number | undefined;
  /** Duration of the last successful active check, in ms. */
  probeMs: number | undefined;
  /** Set once DNS no longer lists the replica; in-flight requests finish, no new ones start. */
  removed = false;

  #config: BackendConfig;

  constructor(
    readonly id: string,
    config: BackendConfig,
    readonly baseUrl: URL,
    readonly source: BackendSource,
    gateway: GatewayConfig,
    now: () => number = Date.now,
  ) {
    this.#config = config;
    this.configured = config.models ? new Set(config.models) : undefined;
    const agentOptions = {
      keepAlive: true,
      // Reuse the most recently used socket: idle ones then time out instead of going stale.
      scheduling: 'lifo' as const,
      ...(config.maxConcurrency > 0 ? { maxSockets: config.maxConcurrency } : {}),
      // Keeps the connections of a burst of streams for the next one (Node keeps 256 by default).
      maxFreeSockets: config.maxConcurrency > 0 ? config.maxConcurrency : IDLE_CONNECTIONS,
    };
    const probeOptions = { keepAlive: true, maxSockets: 2 };
    const https = baseUrl.protocol === 'https:';
    this.agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.probeAgent = https ? new HttpsAgent(probeOptions) : new HttpAgent(probeOptions);
    this.breaker = new CircuitBreaker(
      gateway.circuitBreaker.failureThreshold,
      gateway.circuitBreaker.openMs,
      now,
    );
  }

  /** The backend's configured settings; its `apiKey` follows rotations ({@link setApiKey}). */
  get config(): BackendConfig {
    return this.#config;
  }

  /** Sends this API key from the next request on (a rotated secret; requests under way keep theirs). */
  setApiKey(apiKey: string): void {
    this.#config = { ...this.#config, apiKey };
  }

  get group(): string {
    return this.config.name;
  }

  get weight(): number {
    return this.config.weight;
  }

  /** Whether another request may start without exceeding the replica's concurrency limit. */
  get hasCapacity(): boolean {
    return this.config.maxConcurrency === 0 || this.inFlight < this.config.maxConcurrency;
  }

  /** Served models: configured, else discovered. */
  models(): ReadonlySet<string> {
    return this.configured ?? new Set(this.discovered.keys());
  }

  serves(model: string): boolean {
    return this.configured ? this.configured.has(model) : this.discovered.has(model);
  }

  /** `created` (Unix seconds) of a model as the backend reported it. */
  createdOf(model: string): number | undefined {
    return this.discovered.get(model);
  }

  setDiscovered(models: Map<string, number>): void {
    this.discovered = models;
  }

  /** Folds the time to the response head of a request into the latency average. */
  observeLatency(ms: number): void {
    this.latencyMs = this.latencyMs === undefined ? ms : this.latencyMs + EWMA_ALPHA * (ms - this.latencyMs);
  }

  /** The URL of `path` (e.g. `/v1/chat/completions`) on this replica. */
  urlOf(path: string): URL {
    return new URL(`${this.baseUrl.pathname.replace(/\/$/, '')}${path}`, this.baseUrl);
  }

  /** Releases pooled connections. */
  close(): void {
    this.agent.destroy();
    this.probeAgent.destroy();
  }

  view(drained: boolean, routable: boolean): BackendView {
    return {
      id: this.id,
      group: this.group,
      source: this.source,
      url: this.baseUrl.origin + this.baseUrl.pathname.replace(/\/$/, ''),
      models: [...this.models()].sort(),
      labels: { ...this.config.labels },
      weight: this.weight,
      max_concurrency: this.config.maxConcurrency,
      up: this.up,
      routable,
      drained,
      circuit: this.breaker.state,
      consecutive_failures: this.breaker.consecutiveFailures,
      in_flight: this.inFlight,
      latency_ms: this.latencyMs === undefined ? null : Math.round(this.latencyMs),
      probe_ms: this.probeMs === undefined ? null : Math.round(this.probeMs),
      last_check_at: this.lastCheckAt?.toISOString() ?? null,
      last_error: this.lastError ?? null,
    };
  }
}
