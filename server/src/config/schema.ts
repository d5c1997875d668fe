import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { AssistantConfig } from '../assistant/config-schema.js';
import { ComplianceConfig } from '../compliance/config-schema.js';
import { RetentionConfig } from '../compliance/retention/config-schema.js';
import { ContentConfig } from '../content/config-schema.js';
import { EvidenceConfig } from '../evidence/config-schema.js';
import { GatewayConfig } from '../gateway/config-schema.js';
import { AuthConfig } from '../identity/config-schema.js';
import { SecretsConfig } from '../secrets/config-schema.js';

/**
 * Marks a configuration value as secret: it is redacted wherever the configuration is printed and
 * may be supplied through a `*_FILE` variable or a `vault:` reference.
 */
const secret = <T extends TSchema>(schema: T): T => ({ ...schema, 'x-secret': true });

/** A string restricted to `values`, as a plain JSON Schema `enum` (clear errors, clear docs). */
export const StringEnum = <const T extends readonly string[]>(
  values: T,
  options: Record<string, unknown> = {},
) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const section = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, default: {}, description });

const Port = (def: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: def, description });

export const ServerConfig = section(
  {
    host: Type.String({ default: '0.0.0.0', description: 'Address the HTTP server binds to.' }),
    port: Port(8080, 'HTTP port of the API, the web UI and the probes (0 picks a free port).'),
    publicUrl: Type.String({
      format: 'uri',
      pattern: '^https?://',
      default: 'http://localhost:8080',
      description: 'External URL users reach the appliance at; used for SSO redirects and log origins.',
    }),
    trustProxy: Type.Union([Type.Boolean(), Type.Integer({ minimum: 0 }), Type.String({ minLength: 1 })], {
      default: false,
      description:
        "Express 'trust proxy' setting: false, true, a hop count or a comma-separated list of proxy addresses/CIDRs.",
    }),
    jsonBodyLimit: Type.String({
      pattern: '^[0-9]+(b|kb|mb)$',
      default: '4mb',
      description: 'Largest accepted JSON request body (e.g. 512kb, 4mb). Larger bodies get 413.',
    }),
    shutdownTimeoutMs: Type.Integer({
      minimum: 0,
      default: 30000,
      description: 'On SIGTERM, how long in-flight requests and streams may take to finish before exit.',
    }),
    keepAliveTimeoutMs: Type.Integer({
      minimum: 1000,
      default: 65000,
      description: 'Idle keep-alive timeout; keep it above the load balancer idle timeout.',
    }),
    headersTimeoutMs: Type.Integer({
      minimum: 1000,
      default: 66000,
      description: 'Time allowed to receive the complete request headers.',
    }),
  },
  'HTTP server.',
);

export const MetricsConfig = section(
  {
    enabled: Type.Boolean({ default: true, description: 'Serve Prometheus metrics.' }),
    host: Type.String({ default: '0.0.0.0', description: 'Address the metrics listener binds to.' }),
    port: Port(
      9464,
      'Port of the separate metrics listener serving GET /metrics. Keep it off the Ingress; the Helm chart exposes it only to the ServiceMonitor.',
    ),
  },
  'Prometheus metrics, served on their own port so they never share the public listener.',
);

export const LogConfig = section(
  {
    level: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      default: 'info',
      description: 'Minimum level of application log lines (JSON on stdout).',
    }),
    redact: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Extra pino redaction paths, added to the built-in list of secret fields.',
    }),
  },
  'Structured application logs (pino JSON). Audit events are not logs and never go here.',
);

export const TelemetryConfig = section(
  {
    serviceName: Type.String({ minLength: 1, default: 'ai-la', description: 'OpenTelemetry service.name.' }),
    otlp: section(
      {
        endpoint: Type.Optional(
          Type.String({
            format: 'uri',
            description:
              'OTLP/HTTP traces endpoint base URL (e.g. http://otel-collector:4318). Unset: tracing is a no-op.',
          }),
        ),
        headers: secret(
          Type.Record(Type.String(), Type.String(), {
            default: {},
            description: 'Extra headers sent to the OTLP endpoint (e.g. an authorization token).',
          }),
        ),
      },
      'OTLP trace export.',
    ),
    sampleRatio: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 1,
      description: 'Fraction of new traces sampled (parent-based: an incoming sampled trace is kept).',
    }),
  },
  'OpenTelemetry tracing of HTTP, Express and PostgreSQL.',
);

export const DatabaseConfig = section(
  {
    url: Type.Optional(
      secret(
        Type.String({
          pattern: '^postgres(ql)?://',
          description:
            'PostgreSQL connection URL. Unset outside production: an embedded PostgreSQL is started (development only).',
        }),
      ),
    ),
    pool: section(
      {
        min: Type.Integer({ minimum: 0, default: 0, description: 'Minimum pooled connections.' }),
        max: Type.Integer({
          minimum: 1,
          default: 10,
          description: 'Maximum pooled connections per replica.',
        }),
      },
      'Connection pool.',
    ),
    ssl: section(
      {
        enabled: Type.Boolean({ default: false, description: 'Use TLS to PostgreSQL.' }),
        rejectUnauthorized: Type.Boolean({
          default: true,
          description: 'Verify the server certificate (never turn off in production).',
        }),
        ca: Type.Optional(
          secret(Type.String({ description: 'PEM CA bundle that signed the server certificate.' })),
        ),
      },
      'TLS to PostgreSQL.',
    ),
    statementTimeoutMs: Type.Integer({
      minimum: 0,
      default: 30000,
      description: 'statement_timeout for application connections (0 disables).',
    }),
    migrateOnStart: Type.Boolean({
      default: false,
      description:
        'Run pending migrations at boot. Off: the server refuses to serve while migrations are pending.',
    }),
    embedded: section(
      {
        dataDir: Type.String({
          minLength: 1,
          default: './.aila/data',
          description: 'Data directory of the embedded PostgreSQL (kept across restarts).',
        }),
        port: Port(54329, 'Port of the embedded PostgreSQL (loopback only).'),
      },
      'Embedded PostgreSQL used when database.url is unset (never in production).',
    ),
  },
  'PostgreSQL, the only store of state.',
);

export const AuditConfig = section(
  {
    hmacKey: Type.Optional(
      secret(
        Type.String({
          pattern: '^[A-Za-z0-9+/]{43,}={0,2}$',
          description:
            'Base64 key (32+ bytes) that pseudonymises IP addresses, e-mails and token fragments in audit events. Unset: generated once and stored in the database.',
        }),
      ),
    ),
  },
  'Audit trail of admin and authentication actions.',
);

export const DevConfig = section(
  {
    idpPort: Port(8081, 'Port of the development OIDC provider started by `aila dev`.'),
    simulatorPort: Port(8082, 'Port of the simulated OpenAI-compatible model backend started by `aila dev`.'),
  },
  'Development-only parts started by `aila dev`; refused when NODE_ENV=production.',
);

export const ConfigSchema = Type.Object(
  {
    server: ServerConfig,
    metrics: MetricsConfig,
    log: LogConfig,
    telemetry: TelemetryConfig,
    database: DatabaseConfig,
    audit: AuditConfig,
    auth: AuthConfig,
    gateway: GatewayConfig,
    assistant: AssistantConfig,
    secrets: SecretsConfig,
    evidence: EvidenceConfig,
    compliance: ComplianceConfig,
    content: ContentConfig,
    retention: RetentionConfig,
    dev: DevConfig,
  },
  { additionalProperties: false, $id: 'https://ai-la.dev/schemas/config.json', title: 'AI-LA configuration' },
);

/** The validated configuration, with every default applied. */
export type Config = Static<typeof ConfigSchema>;
