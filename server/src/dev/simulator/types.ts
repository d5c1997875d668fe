/**
 * Options, runtime controls and statistics of the vLLM-compatible simulator.
 *
 * The simulator answers like vLLM's OpenAI-compatible server
 * (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html) so the
 * gateway, `aila dev` and benchmarks can run without a GPU.
 */

/** Artificial generation delays; 0 means "as fast as possible". */
export interface SimulatorLatency {
  /** Delay before the first token (time to first token). */
  firstTokenMs: number;
  /** Delay between two consecutive streamed chunks. */
  interTokenMs: number;
}

/**
 * Faults injected into the inference endpoints (`/v1/chat/completions`,
 * `/v1/completions`, `/v1/embeddings`), changeable at runtime with `setFault`.
 */
export interface SimulatorFault {
  /**
   * Fraction (0..1) of inference requests answered with `status` instead of a result.
   * Deterministic: failures are spread evenly (0.5 fails every 2nd request, 1 fails all).
   */
  failRate?: number;
  /** HTTP status of injected failures (default 503). */
  status?: number;
  /**
   * Drop the connection (no terminating chunk, no `[DONE]`) after this many SSE events
   * of a streaming response; non-streaming responses are dropped before any byte.
   */
  disconnectAfterChunks?: number;
  /** When false, `GET /health` answers 503 like a vLLM whose engine died. */
  healthy?: boolean;
}

/**
 * Error body shape. `flat` is vLLM before 0.10.1
 * (`{object:"error", message, type, param, code}`); `nested` is vLLM 0.10.1 and later
 * (`{error:{message, type, param, code}}`, vllm-project/vllm#22099), which the
 * `openai` client libraries read the message from.
 */
export type SimulatorErrorFormat = 'flat' | 'nested';

/** Options of {@link createSimulator} and {@link startSimulator}. */
export interface SimulatorOptions {
  /** Served model names (vLLM `--served-model-name`); the first is the default model. */
  models?: readonly string[];
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Listen port (default 0: an ephemeral port). */
  port?: number;
  /** When set, `/v1/*` requires `Authorization: Bearer <apiKey>` (vLLM `--api-key`). */
  apiKey?: string;
  /** Generation delays (default 0/0). */
  latency?: Partial<SimulatorLatency>;
  /** Tokens per streamed content chunk (default 1, like vLLM). */
  tokensPerChunk?: number;
  /** Context window in tokens (vLLM `--max-model-len`, default 32768). */
  maxModelLen?: number;
  /** Length of embedding vectors (default 384). */
  embeddingDimensions?: number;
  /** Initial fault injection (default none). */
  fault?: SimulatorFault;
  /** Error body shape (default `flat`). */
  errorFormat?: SimulatorErrorFormat;
  /** Reported by `GET /version` (default follows `errorFormat`: 0.10.0 or 0.11.0). */
  version?: string;
  /** Largest accepted request body in bytes (default 32 MiB). */
  maxBodyBytes?: number;
}

/** Endpoints counted separately by {@link SimulatorStats}. */
export type SimulatorEndpoint =
  | '/health'
  | '/version'
  | '/v1/models'
  | '/v1/chat/completions'
  | '/v1/completions'
  | '/v1/embeddings'
  | 'other';

/** Counters returned by `stats()`. */
export interface SimulatorStats {
  /** Requests received since start (or the last `resetStats`). */
  total: number;
  /** Requests received, per endpoint. */
  requests: Record<SimulatorEndpoint, number>;
  /** Requests whose response has not finished or been torn down yet. */
  inFlight: number;
  /** Requests answered with an injected failure status. */
  injectedFailures: number;
  /** Responses cut by `disconnectAfterChunks`. */
  injectedDisconnects: number;
  /** Responses abandoned because the client went away first. */
  clientAborts: number;
  /** Times a streaming write waited for 'drain' (client slower than the simulator). */
  backpressureWaits: number;
}

/** Options after defaults and validation. */
export interface ResolvedSimulatorOptions {
  models: readonly string[];
  host: string;
  port: number;
  apiKey: string | undefined;
  latency: SimulatorLatency;
  tokensPerChunk: number;
  maxModelLen: number;
  embeddingDimensions: number;
  fault: SimulatorFault;
  errorFormat: SimulatorErrorFormat;
  version: string;
  maxBodyBytes: number;
}

/** Default served model, named like a Hugging Face repository as vLLM reports it. */
export const DEFAULT_MODELS: readonly string[] = ['ai-la/sim-coder-7b'];

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer`);
  return value;
}

function nonNegative(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a number >= 0`);
  return value;
}

/** Checks a fault description; throws `TypeError` on a value the simulator cannot honour. */
export function validateFault(fault: SimulatorFault): SimulatorFault {
  const { failRate, status, disconnectAfterChunks } = fault;
  if (failRate !== undefined && !(failRate >= 0 && failRate <= 1)) {
    throw new TypeError('fault.failRate must be between 0 and 1');
  }
  if (status !== undefined && !(Number.isInteger(status) && status >= 400 && status <= 599)) {
    throw new TypeError('fault.status must be an HTTP error status (400-599)');
  }
  if (
    disconnectAfterChunks !== undefined &&
    !(Number.isInteger(disconnectAfterChunks) && disconnectAfterChunks >= 0)
  ) {
    throw new TypeError('fault.disconnectAfterChunks must be an integer >= 0');
  }
  return { ...fault };
}

/** Checks latency values; throws `TypeError` on negative or non-finite values. */
export function resolveLatency(latency: Partial<SimulatorLatency> | undefined): SimulatorLatency {
  return {
    firstTokenMs: nonNegative('latency.firstTokenMs', latency?.firstTokenMs),
    interTokenMs: nonNegative('latency.interTokenMs', latency?.interTokenMs),
  };
}

/** Applies defaults and validates options; throws `TypeError` on invalid input. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const models = options.models ?? DEFAULT_MODELS;
  if (models.length === 0 || models.some((m) => typeof m !== 'string' || m.length === 0)) {
    throw new TypeError('models must be a non-empty list of non-empty names');
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('port must be 0-65535');
  if (options.apiKey !== undefined && options.apiKey.length === 0) {
    throw new TypeError('apiKey must not be empty when set');
  }
  const errorFormat = options.errorFormat ?? 'flat';
  if (errorFormat !== 'flat' && errorFormat !== 'nested') {
    throw new TypeError("errorFormat must be 'flat' or 'nested'");
  }
  return {
    models: [...models],
    host: options.host ?? '127.0.0.1',
    port,
    apiKey: options.apiKey,
    latency: resolveLatency(options.latency),
    tokensPerChunk: positiveInt('tokensPerChunk', options.tokensPerChunk, 1),
    maxModelLen: positiveInt('maxModelLen', options.maxModelLen, 32768),
    embeddingDimensions: positiveInt('embeddingDimensions', options.embeddingDimensions, 384),
    fault: validateFault(options.fault ?? {}),
    errorFormat,
    version: options.version ?? (errorFormat === 'flat' ? '0.10.0' : '0.11.0'),
    maxBodyBytes: positiveInt('maxBodyBytes', options.maxBodyBytes, 32 * 1024 * 1024),
  };
}

/** Counters of a fresh simulator (everything but the live in-flight gauge). */
export function emptyCounters(): Omit<SimulatorStats, 'inFlight'> {
  return {
    total: 0,
    requests: {
      '/health': 0,
      '/version': 0,
      '/v1/models': 0,
      '/v1/chat/completions': 0,
      '/v1/completions': 0,
      '/v1/embeddings': 0,
      other: 0,
    },
    injectedFailures: 0,
    injectedDisconnects: 0,
    clientAborts: 0,
    backpressureWaits: 0,
  };
}
