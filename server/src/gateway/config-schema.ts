import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { UsageConfig } from '../usage/config-schema.js';

export { UsageConfig } from '../usage/config-schema.js';

/*
 * The `gateway` section of the configuration, imported by config/schema.ts. The small helpers mirror
 * that file's (which cannot be imported from here without an import cycle).
 */

const secret = <T extends TSchema>(schema: T): T => ({ ...schema, 'x-secret': true });

const Enum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const section = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, default: {}, description });

const Ms = (def: number, minimum: number, description: string) =>
  Type.Integer({ minimum, default: def, description });

/** Name of a backend (a static URL or a DNS-discovered group of replicas). */
export const BACKEND_NAME = '^[a-z0-9][a-z0-9-]{0,62}$';

export const BackendConfig = Type.Object(
  {
    name: Type.String({ pattern: BACKEND_NAME, description: 'Backend name (metrics label, admin API id).' }),
    url: Type.Optional(
      Type.String({
        format: 'uri',
        pattern: '^https?://',
        description: 'Base URL of one vLLM server, without /v1 (e.g. http://vllm-0.vllm:8000).',
      }),
    ),
    dns: Type.Optional(
      Type.Object(
        {
          name: Type.String({
            minLength: 1,
            description: 'DNS name of a headless Service; every A/AAAA record is one replica.',
          }),
          port: Type.Integer({ minimum: 1, maximum: 65535, default: 8000, description: 'Replica port.' }),
          scheme: Enum(['http', 'https'], { default: 'http', description: 'Replica URL scheme.' }),
        },
        { additionalProperties: false, description: 'Discover replicas from DNS instead of `url`.' },
      ),
    ),
    models: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Served model names. Unset: read from the backend GET /v1/models.',
      }),
    ),
    weight: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 1,
      description: 'Relative capacity: outstanding requests are compared per unit of weight.',
    }),
    apiKey: Type.Optional(
      secret(
        Type.String({ minLength: 1, description: 'Bearer token the backend expects (vLLM --api-key).' }),
      ),
    ),
    maxConcurrency: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'Most requests in flight per replica from this appliance replica (0: unlimited).',
    }),
    labels: Type.Record(Type.String({ minLength: 1 }), Type.String(), {
      default: {},
      description: 'Free-form labels shown in the admin API (e.g. gpu: a100).',
    }),
  },
  { additionalProperties: false },
);

/** One configured backend, defaults applied. */
export type BackendConfig = Static<typeof BackendConfig>;

const Limit = (description: string) => Type.Optional(Type.Integer({ minimum: 0, description }));

/** Limits of a quota plan; an unset limit is unlimited. Same fields as the `quota_plans` table. */
export const PlanLimitsConfig = (description: string) =>
  section(
    {
      requestsPerMinute: Limit('Requests per minute.'),
      tokensPerMinute: Limit('Prompt + completion tokens per minute.'),
      tokensPerDay: Limit('Prompt + completion tokens per UTC day.'),
      tokensPerMonth: Limit('Prompt + completion tokens per UTC calendar month.'),
      maxConcurrentStreams: Limit('Streaming requests in flight at once, across all replicas.'),
    },
    description,
  );

export const GatewayConfig = section(
  {
    backends: secret(
      Type.Array(BackendConfig, {
        default: [],
        description:
          'vLLM backends: [{name, url | dns:{name,port,scheme}, models?, weight, apiKey?, maxConcurrency, labels}] (JSON array in AILA_GATEWAY_BACKENDS). Secret as a whole because entries carry API keys.',
      }),
    ),
    aliases: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
      default: {},
      description:
        'Model aliases: requested name -> served model name (e.g. {"coder": "Qwen/Qwen2.5-Coder-7B"}).',
    }),
    discovery: section(
      { refreshMs: Ms(10000, 100, 'How often DNS backends are resolved again.') },
      'DNS discovery of replicas behind headless Services.',
    ),
    healthCheck: section(
      {
        intervalMs: Ms(5000, 100, 'Interval of active checks (GET /health and GET /v1/models).'),
        timeoutMs: Ms(2000, 50, 'Timeout of one active check.'),
        unhealthyThreshold: Type.Integer({
          minimum: 1,
          default: 2,
          description: 'Consecutive failed checks before a replica is marked down.',
        }),
      },
      'Active health checks of every replica.',
    ),
    circuitBreaker: section(
      {
        failureThreshold: Type.Integer({
          minimum: 1,
          default: 5,
          description: 'Consecutive failed requests (connect errors, timeouts, 5xx) that open the circuit.',
        }),
        openMs: Ms(30000, 10, 'How long an open circuit refuses requests before one trial request.'),
      },
      'Passive health: a replica that keeps failing requests is taken out of rotation for a while.',
    ),
    timeouts: section(
      {
        connectMs: Ms(5000, 10, 'TCP/TLS connect timeout to a replica.'),
        firstByteMs: Ms(
          120000,
          10,
          'From sending the request to the first response body byte (includes whole generation when not streaming).',
        ),
        idleMs: Ms(60000, 10, 'Longest pause between two chunks of a streaming response.'),
        totalMs: Ms(600000, 10, 'Longest duration of one call.'),
      },
      'Upstream timeouts.',
    ),
    retry: section(
      {
        maxAttempts: Type.Integer({
          minimum: 1,
          maximum: 10,
          default: 3,
          description:
            'Attempts on different replicas for connect errors and 502/503 answers, before any byte reached the client.',
        }),
      },
      'Retries on another replica.',
    ),
    routing: section(
      {
        affinityPrefixChars: Type.Integer({
          minimum: 0,
          default: 512,
          description:
            'Characters of the prompt hashed for prefix affinity (requests sharing a prefix prefer one replica, for KV-cache reuse). 0 disables.',
        }),
        affinityMaxExtraInFlight: Type.Integer({
          minimum: 0,
          default: 4,
          description:
            'The preferred replica is skipped once it has this many more requests in flight (per unit of weight) than the least loaded one.',
        }),
      },
      'Replica selection: least outstanding requests with prefix affinity.',
    ),
    limits: section(
      {
        defaults: section(
          {
            user: PlanLimitsConfig('Limits of users without an assigned quota plan.'),
            team: PlanLimitsConfig('Limits of teams without an assigned quota plan.'),
            apiKey: PlanLimitsConfig('Limits of API keys without an assigned quota plan.'),
          },
          'Limits applied when no quota plan is assigned (unset: unlimited).',
        ),
        planCacheMs: Ms(5000, 0, 'How long a replica caches quota plan assignments.'),
        leaseFraction: Type.Number({
          exclusiveMinimum: 0,
          maximum: 1,
          default: 0.1,
          description:
            'Share of the remaining capacity of a window a replica reserves from PostgreSQL at once (smaller is fairer, larger needs fewer round trips).',
        }),
        maxLeaseRequests: Type.Integer({
          minimum: 1,
          default: 50,
          description: 'Most requests one reservation may take.',
        }),
        maxLeaseTokens: Type.Integer({
          minimum: 1,
          default: 20000,
          description: 'Most tokens one reservation may take.',
        }),
        exhaustedRecheckMs: Ms(1000, 0, 'An exhausted window is asked about again after this long.'),
        streamLeaseTtlMs: Ms(
          60000,
          1000,
          'A stream slot of a replica that stopped renewing it (crash) is freed after this long.',
        ),
      },
      'Rate limits and token budgets per user, team and API key (quota plans), shared by all replicas.',
    ),
    maxResponseBytes: Type.Integer({
      minimum: 1024,
      default: 67108864,
      description: 'Largest non-streaming backend response accepted.',
    }),
    usage: UsageConfig,
  },
  'OpenAI-compatible gateway to the vLLM backends: discovery, health, routing, limits, usage.',
);

/** The validated `gateway` configuration. */
export type GatewayConfig = Static<typeof GatewayConfig>;

/** Limits of one plan in configuration form. */
export type PlanLimitsConfig = GatewayConfig['limits']['defaults']['user'];
