/**
 * Renders the chart with the real helm binary and parses the result. Renders are memoised per
 * argument list so a test file renders each scenario once.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, runHelm } from './helm-binary.js';

/** Directory of the chart under test. */
export const CHART_DIR = join(REPO_ROOT, 'helm', 'ai-la');
/** Kubernetes version the chart is rendered for (the oldest version still in upstream support). */
export const KUBE_VERSION = '1.31.0';
/** Release name and namespace used for every render. */
export const RELEASE = 'ai-la';
export const NAMESPACE = 'ai-la';

/** A rendered Kubernetes object, kept loosely typed: tests narrow what they inspect. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

/** The outcome of one `helm template`. */
export interface Render {
  code: number;
  stderr: string;
  manifests: Manifest[];
}

/** Names of the CI scenarios (`ci/<name>-values.yaml`). */
export function scenarios(): string[] {
  return readdirSync(join(CHART_DIR, 'ci'))
    .filter((f) => f.endsWith('-values.yaml'))
    .map((f) => f.replace(/-values\.yaml$/, ''))
    .sort();
}

/** Path of a scenario's values file. */
export function scenarioFile(name: string): string {
  return join(CHART_DIR, 'ci', `${name}-values.yaml`);
}

/** Splits a multi-document YAML stream into objects, dropping empty documents. */
export function parseManifests(text: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML in rendered output: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    out.push(value as Manifest);
  }
  return out;
}

const cache = new Map<string, Promise<Render>>();

/** Options of one render: values files (scenario names or paths) and `--set`/`--set-string` pairs. */
export interface RenderOptions {
  scenario?: string;
  valuesFiles?: string[];
  set?: Record<string, string>;
  setString?: Record<string, string>;
  setJson?: Record<string, unknown>;
}

/** Runs `helm template` (hooks and test pods included) and parses its output. */
export function render(options: RenderOptions = {}): Promise<Render> {
  const args = ['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE, '--kube-version', KUBE_VERSION];
  if (options.scenario) args.push('--values', scenarioFile(options.scenario));
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const [k, v] of Object.entries(options.set ?? {})) args.push('--set', `${k}=${v}`);
  for (const [k, v] of Object.entries(options.setString ?? {})) args.push('--set-string', `${k}=${v}`);
  for (const [k, v] of Object.entries(options.setJson ?? {}))
    args.push('--set-json', `${k}=${JSON.stringify(v)}`);
  const key = JSON.stringify(args);
  let pending = cache.get(key);
  if (!pending) {
    pending = runHelm(args).then((r) => ({
      code: r.code,
      stderr: r.stderr,
      manifests: r.code === 0 ? parseManifests(r.stdout) : [],
    }));
    cache.set(key, pending);
  }
  return pending;
}

/** Renders and fails loudly (with helm's message) when rendering fails. */
export async function renderOk(options: RenderOptions = {}): Promise<Manifest[]> {
  const result = await render(options);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return result.manifests;
}

/** Finds exactly one manifest by kind and name. */
export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0] as Manifest;
}

/** Reads a nested property by path, returning undefined when any step is missing. */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}
