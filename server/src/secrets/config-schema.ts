import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ConfigProblem } from '../config/index.js';

/*
 * The `secrets` section of the configuration, imported by config/schema.ts. The helpers mirror that
 * file's (importing them from there would be an import cycle).
 */

const secret = <T extends TSchema>(schema: T): T => ({ ...schema, 'x-secret': true });

const Enum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const Path = (description: string, def?: string) =>
  Type.String({
    pattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$',
    ...(def === undefined ? {} : { default: def }),
    description,
  });

/** Where the kubelet mounts the projected service-account token. */
export const DEFAULT_JWT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export const VaultAuthConfig = Type.Object(
  {
    method: Enum(['token', 'approle', 'kubernetes'], {
      default: 'kubernetes',
      description: 'How the appliance logs in to Vault.',
    }),
    token: Type.Optional(
      secret(
        Type.String({ minLength: 1, description: 'Vault token (method token); renewed when renewable.' }),
      ),
    ),
    roleId: Type.Optional(Type.String({ minLength: 1, description: 'AppRole role_id (method approle).' })),
    secretId: Type.Optional(
      secret(Type.String({ minLength: 1, description: 'AppRole secret_id (method approle).' })),
    ),
    role: Type.Optional(
      Type.String({ minLength: 1, description: 'Kubernetes auth role (method kubernetes).' }),
    ),
    jwtPath: Type.String({
      minLength: 1,
      default: DEFAULT_JWT_PATH,
      description: 'Service-account token file (method kubernetes); re-read at every login.',
    }),
    mount: Type.Optional(
      Path('Auth method mount path without auth/ (default approle or kubernetes after the method).'),
    ),
  },
  { additionalProperties: false, default: {}, description: 'Vault login.' },
);

export const VaultConfig = Type.Object(
  {
    address: Type.String({
      format: 'uri',
      pattern: '^https?://',
      description: 'Vault address, e.g. https://vault.vault.svc:8200.',
    }),
    namespace: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Vault Enterprise namespace (X-Vault-Namespace), e.g. ai-la.',
      }),
    ),
    caCert: Type.Optional(
      Type.String({ minLength: 1, description: 'PEM CA bundle that signed the Vault certificate.' }),
    ),
    auth: VaultAuthConfig,
    refreshIntervalMs: Type.Integer({
      minimum: 1000,
      default: 60000,
      description: 'How often vault: references that may rotate are re-read (SecretWatcher).',
    }),
    timeoutMs: Type.Integer({ minimum: 100, default: 5000, description: 'Timeout of one Vault request.' }),
    bootTimeoutMs: Type.Integer({
      minimum: 0,
      default: 60000,
      description: 'At start-up, how long to retry (exponential backoff) while Vault is unreachable.',
    }),
  },
  { additionalProperties: false, description: 'HashiCorp Vault (or OpenBao) connection.' },
);

export const DynamicDatabaseConfig = Type.Object(
  {
    mount: Path('Database secrets engine mount.', 'database'),
    role: Type.String({ minLength: 1, description: 'Database secrets engine role issuing the credentials.' }),
    drainTimeoutMs: Type.Integer({
      minimum: 0,
      default: 60000,
      description:
        'After a credential rotation, how long old connections may finish before the old lease is revoked.',
    }),
  },
  {
    additionalProperties: false,
    description:
      'Dynamic PostgreSQL credentials from Vault. When set, database.url carries no user or password.',
  },
);

export const SecretsConfig = Type.Object(
  {
    vault: Type.Optional(VaultConfig),
    database: Type.Optional(DynamicDatabaseConfig),
  },
  {
    additionalProperties: false,
    default: {},
    description:
      'Secrets from Vault: vault: references and dynamic database credentials (evidence signing with Vault: evidence.keys).',
  },
);

export type SecretsConfig = Static<typeof SecretsConfig>;
export type VaultConfig = Static<typeof VaultConfig>;
export type VaultAuthConfig = Static<typeof VaultAuthConfig>;
export type DynamicDatabaseConfig = Static<typeof DynamicDatabaseConfig>;

/**
 * Problems in the `secrets` section found before the configuration as a whole is validated (the
 * same message layout as the loader's ConfigError, which cannot be imported here without a cycle).
 */
export class SecretsConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'SecretsConfigError';
  }
}

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
addFormats(ajv);
ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
// Compiled inside a wrapper object: ajv's strict mode refuses a `default` at the schema root.
const check = ajv.compile<{ secrets: SecretsConfig }>(
  Type.Object({ secrets: SecretsConfig }, { additionalProperties: false }),
);

const problemOf = (e: ErrorObject): ConfigProblem => {
  const base = e.instancePath.slice(1).replaceAll('/', '.');
  if (e.keyword === 'additionalProperties') {
    return {
      path: `${base}.${(e.params as { additionalProperty: string }).additionalProperty}`,
      message: 'unknown key',
    };
  }
  if (e.keyword === 'enum') {
    return {
      path: base,
      message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`,
    };
  }
  return { path: base, message: e.message ?? 'is invalid' };
};

/** What each login method needs besides its defaults. */
function authProblems(auth: VaultAuthConfig): ConfigProblem[] {
  const need: Record<VaultAuthConfig['method'], Array<keyof VaultAuthConfig>> = {
    token: ['token'],
    approle: ['roleId', 'secretId'],
    kubernetes: ['role'],
  };
  return need[auth.method]
    .filter((key) => auth[key] === undefined)
    .map((key) => ({ path: `secrets.vault.auth.${key}`, message: `required when method is ${auth.method}` }));
}

/**
 * Validates the `secrets` section of a raw (not yet validated) configuration and applies its
 * defaults, without touching `raw`. The loader hands secret resolvers the raw configuration because
 * they run before validation, so this check happens here.
 * @throws SecretsConfigError listing every problem of the section.
 */
export function parseSecretsConfig(raw: Record<string, unknown>): SecretsConfig {
  const wrapper: unknown = { secrets: structuredClone(raw.secrets ?? {}) };
  if (!check(wrapper)) throw new SecretsConfigError((check.errors ?? []).map(problemOf));
  const value = wrapper.secrets;
  const keySource = (raw.evidence as { keys?: { source?: unknown } } | undefined)?.keys?.source;
  const problems = [
    ...(value.vault ? authProblems(value.vault.auth) : []),
    ...(value.database && !value.vault
      ? [{ path: 'secrets.vault', message: 'required when secrets.database is set' }]
      : []),
    ...((keySource === 'kv' || keySource === 'transit') && !value.vault
      ? [{ path: 'secrets.vault', message: `required when evidence.keys.source is ${keySource}` }]
      : []),
  ];
  if (problems.length > 0) throw new SecretsConfigError(problems);
  return value;
}
