import type { ConfigProblem } from './env-overrides.js';

/**
 * Resolves secret references of one scheme (e.g. `vault:secret/ai-la/db#password`) found anywhere in
 * the configuration. The Vault implementation lives in the secrets module and registers itself here.
 */
export interface SecretReferenceResolver {
  /** The scheme without the colon, e.g. `vault`. */
  readonly scheme: string;
  /** Returns the secret value, or throws an Error whose message explains the failure. */
  resolve(reference: string): Promise<string>;
}

const REFERENCE = /^(vault):(.+)$/;

/** Finds every string value that is a secret reference; returns their paths and references. */
function findReferences(
  node: unknown,
  path: string[] = [],
): Array<{ path: string[]; ref: string; scheme: string }> {
  if (typeof node === 'string') {
    const m = REFERENCE.exec(node);
    return m ? [{ path, ref: node, scheme: m[1] as string }] : [];
  }
  if (Array.isArray(node)) return node.flatMap((v, i) => findReferences(v, [...path, String(i)]));
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => findReferences(v, [...path, k]));
  }
  return [];
}

/** Replaces every secret reference in `root` (in place) with its resolved value. */
export async function resolveReferences(
  root: Record<string, unknown>,
  resolvers: SecretReferenceResolver[],
): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const { path, ref, scheme } of findReferences(root)) {
    const where = path.join('.');
    const resolver = resolvers.find((r) => r.scheme === scheme);
    if (!resolver) {
      problems.push({
        path: where,
        message: `'${scheme}:' reference but no ${scheme} secrets provider is configured (see docs/configuration.md)`,
      });
      continue;
    }
    try {
      const value = await resolver.resolve(ref);
      let node = root as Record<string, unknown>;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[path[path.length - 1] as string] = value;
    } catch (err) {
      problems.push({
        path: where,
        message: `cannot resolve ${scheme} reference: ${(err as Error).message}`,
      });
    }
  }
  return problems;
}
