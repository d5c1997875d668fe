import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { ConfigProblem } from './env-overrides.js';
import { applyEnvOverrides } from './env-overrides.js';
import type { SecretReferenceResolver } from './references.js';
import { resolveReferences } from './references.js';
import type { Config } from './schema.js';
import { ConfigSchema } from './schema.js';
import { getAt, leavesOf } from './schema-walk.js';
import { validateConfig } from './validate.js';

/** Thrown when the configuration cannot be used; lists every problem, each with its key path. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** The process environment (the only place that reads `process.env` passes it in). */
  env: NodeJS.ProcessEnv;
  /** Builds the secret reference resolvers from the raw configuration (e.g. its Vault section). */
  resolvers?: (raw: Record<string, unknown>) => Promise<SecretReferenceResolver[]>;
}

export const CONFIG_LEAVES = leavesOf(ConfigSchema);

async function readFileSource(
  path: string,
): Promise<{ value: Record<string, unknown>; problems: ConfigProblem[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return {
      value: {},
      problems: [{ path: '(file)', message: `cannot read ${path}: ${(err as Error).message}` }],
    };
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      value: {},
      problems: doc.errors.map((e) => ({ path: '(file)', message: `${path}: ${e.message.split('\n')[0]}` })),
    };
  }
  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { value: {}, problems: [{ path: '(file)', message: `${path}: the top level must be a mapping` }] };
  }
  return { value: value as Record<string, unknown>, problems: [] };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Loads the configuration: the YAML file named by `AILA_CONFIG`, then `AILA_*` environment overrides
 * and their `*_FILE` variants, then secret references, then validation of the whole against the
 * schema with defaults applied. Throws a {@link ConfigError} listing every problem.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const { env } = options;
  const file = env.AILA_CONFIG ? await readFileSource(env.AILA_CONFIG) : { value: {}, problems: [] };
  const raw = file.value;
  const problems = [...file.problems, ...applyEnvOverrides(raw, CONFIG_LEAVES, env)];
  const resolvers = options.resolvers ? await options.resolvers(raw) : [];
  problems.push(...(await resolveReferences(raw, resolvers)));
  problems.push(...validateConfig(raw));
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(raw as Config);
}

/**
 * The configuration keys read from `AILA_*_FILE` files in `env`, by dotted key path (e.g.
 * `gateway.backends` → `/vault/secrets/backends`), so that the secrets module can follow the files.
 */
export function secretFilesOf(env: NodeJS.ProcessEnv): Map<string, string> {
  const files = new Map<string, string>();
  for (const leaf of CONFIG_LEAVES) {
    const file = env[`${leaf.env}_FILE`];
    if (file !== undefined) files.set(leaf.path.join('.'), file);
  }
  return files;
}

/** A copy of the configuration with every secret value replaced, safe to print or log. */
export function redactConfig(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const leaf of CONFIG_LEAVES) {
    if (!leaf.secret || getAt(copy, leaf.path) === undefined) continue;
    let node = copy;
    for (const key of leaf.path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[leaf.path[leaf.path.length - 1] as string] = '[redacted]';
  }
  return copy;
}

/** Facts about the process environment that are not configuration keys. */
export interface Runtime {
  /** NODE_ENV=production: development-only parts (embedded database, dev IdP, simulator) refuse to run. */
  production: boolean;
}

/** Loads the configuration from this process's environment; the one place that reads `process.env`. */
export async function loadProcessConfig(
  resolvers?: LoadConfigOptions['resolvers'],
): Promise<{ config: Config; runtime: Runtime; secretFiles: Map<string, string> }> {
  const env = process.env;
  const config = await loadConfig(resolvers ? { env, resolvers } : { env });
  return { config, runtime: { production: env.NODE_ENV === 'production' }, secretFiles: secretFilesOf(env) };
}
