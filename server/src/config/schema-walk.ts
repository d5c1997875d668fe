import type { TSchema } from '@sinclair/typebox';

/** A configurable value: a leaf of the configuration schema (a scalar, an array or a map). */
export interface ConfigLeaf {
  /** Property path from the root, e.g. `['database', 'pool', 'max']`. */
  path: string[];
  /** Environment variable that overrides it, e.g. `AILA_DATABASE_POOL_MAX`. */
  env: string;
  schema: TSchema;
  secret: boolean;
}

const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The environment variable naming rule: `AILA_` + upper snake case of each path segment. */
export const envNameOf = (path: string[]) => `AILA_${path.map(snake).join('_')}`;

const isSection = (schema: TSchema) =>
  schema.type === 'object' && schema.properties !== undefined && schema.patternProperties === undefined;

/** Every leaf of the schema, depth first in declaration order. */
export function leavesOf(schema: TSchema, path: string[] = []): ConfigLeaf[] {
  if (path.length > 0 && !isSection(schema)) {
    return [{ path, env: envNameOf(path), schema, secret: schema['x-secret'] === true }];
  }
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  return Object.entries(props).flatMap(([key, child]) => leavesOf(child, [...path, key]));
}

/** Reads the value at `path`, or undefined. */
export function getAt(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Writes `value` at `path`, creating intermediate objects. */
export function setAt(root: Record<string, unknown>, path: string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}
