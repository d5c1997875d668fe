import { readFileSync } from 'node:fs';
import type { TSchema } from '@sinclair/typebox';
import type { ConfigLeaf } from './schema-walk.js';
import { setAt } from './schema-walk.js';

/** A problem found while reading the configuration, tied to the key it concerns. */
export interface ConfigProblem {
  path: string;
  message: string;
}

const typesOf = (schema: TSchema): string[] =>
  schema.anyOf ? (schema.anyOf as TSchema[]).flatMap(typesOf) : [String(schema.type ?? 'string')];

/**
 * Turns an environment string into the type the schema expects. Unparseable input is returned
 * unchanged so that schema validation reports it with the key's path.
 */
export function parseEnvValue(raw: string, schema: TSchema): unknown {
  const types = typesOf(schema);
  if (types.includes('boolean') && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(raw))
    return Number(raw);
  if (types.includes('array') || types.includes('object')) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      try {
        return JSON.parse(trimmed);
      } catch {
        return raw;
      }
    }
    if (types.includes('array')) return trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
  }
  return raw;
}

/**
 * Applies `AILA_<SECTION>_<KEY>` overrides and their `_FILE` variants (the value read from a file,
 * as Kubernetes secret volumes and the Vault Agent Injector render them) onto `target`.
 */
export function applyEnvOverrides(
  target: Record<string, unknown>,
  leaves: ConfigLeaf[],
  env: NodeJS.ProcessEnv,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const leaf of leaves) {
    const direct = env[leaf.env];
    const file = env[`${leaf.env}_FILE`];
    const where = leaf.path.join('.');
    if (direct !== undefined && file !== undefined) {
      problems.push({ path: where, message: `both ${leaf.env} and ${leaf.env}_FILE are set; use one` });
      continue;
    }
    let raw = direct;
    if (file !== undefined) {
      try {
        raw = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        problems.push({ path: where, message: `cannot read ${leaf.env}_FILE (${(err as Error).message})` });
        continue;
      }
    }
    if (raw !== undefined) setAt(target, leaf.path, parseEnvValue(raw, leaf.schema));
  }
  return problems;
}
