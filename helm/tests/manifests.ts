/**
 * Validation of rendered manifests: built-in kinds against the Kubernetes OpenAPI schemas
 * (kubernetes-models), Prometheus Operator kinds against their documented required shape, and
 * helpers to reach the pod specs inside workloads.
 */

import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { Manifest } from './render.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Pod': Pod,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

/** Metric names the appliance exports (the contract the alerts and the dashboard rely on). */
export const CONTRACT_METRICS = new Set([
  'aila_http_requests_total',
  'aila_http_request_duration_seconds_bucket',
  'aila_http_request_duration_seconds_sum',
  'aila_http_request_duration_seconds_count',
  'aila_gateway_backend_up',
  'aila_gateway_requests_total',
  'aila_gateway_time_to_first_token_seconds_bucket',
  'aila_gateway_time_to_first_token_seconds_sum',
  'aila_gateway_time_to_first_token_seconds_count',
  'aila_evidence_sequencer_lag_seconds',
  'aila_evidence_log_size',
  'aila_compliance_export_jobs_total',
  'aila_vault_up',
  'aila_evidence_signing_failures_total',
  'aila_signing_key_expiry_timestamp_seconds',
]);

/** prom-client default metrics, registered with the `aila_` prefix. */
const DEFAULT_METRIC = /^aila_(process_|nodejs_)[a-z0-9_]+$/;

/** Metric names referenced in a PromQL expression that are not part of the contract. */
export function unknownMetrics(expr: string): string[] {
  const names = expr.match(/\baila_[a-z0-9_]+/g) ?? [];
  return [...new Set(names)].filter((n) => !CONTRACT_METRICS.has(n) && !DEFAULT_METRIC.test(n));
}

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/** Checks that brackets and quotes of a PromQL expression balance (a cheap syntax guard). */
export function promqlBalanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (const ch of expr) {
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0 && quote === undefined;
}

function isStringMap(value: unknown): boolean {
  return (
    value === undefined ||
    (typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string'))
  );
}

function validateServiceMonitor(m: Manifest): string[] {
  const errors: string[] = [];
  const spec = m.spec as { selector?: { matchLabels?: unknown }; endpoints?: unknown[] } | undefined;
  if (!spec?.selector || !isStringMap(spec.selector.matchLabels)) errors.push('spec.selector.matchLabels');
  if (!Array.isArray(spec?.endpoints) || spec.endpoints.length === 0) errors.push('spec.endpoints is empty');
  for (const [i, raw] of (spec?.endpoints ?? []).entries()) {
    const e = raw as Record<string, unknown>;
    if (typeof e.port !== 'string') errors.push(`spec.endpoints[${i}].port must be a port name`);
    for (const k of ['interval', 'scrapeTimeout']) {
      if (e[k] !== undefined && !DURATION.test(String(e[k]))) errors.push(`spec.endpoints[${i}].${k}`);
    }
    if (e.path !== undefined && !String(e.path).startsWith('/')) errors.push(`spec.endpoints[${i}].path`);
  }
  return errors;
}

function validatePrometheusRule(m: Manifest): string[] {
  const errors: string[] = [];
  const groups = (m.spec as { groups?: unknown[] } | undefined)?.groups;
  if (!Array.isArray(groups) || groups.length === 0) return ['spec.groups is empty'];
  const alerts = new Set<string>();
  for (const [gi, rawGroup] of groups.entries()) {
    const g = rawGroup as { name?: unknown; rules?: unknown[] };
    if (typeof g.name !== 'string' || g.name === '') errors.push(`groups[${gi}].name`);
    for (const [ri, rawRule] of (g.rules ?? []).entries()) {
      const r = rawRule as Record<string, unknown>;
      const where = `groups[${gi}].rules[${ri}]`;
      if ((r.alert === undefined) === (r.record === undefined))
        errors.push(`${where}: exactly one of alert/record`);
      if (typeof r.expr !== 'string' || r.expr.trim() === '') errors.push(`${where}.expr`);
      else if (!promqlBalanced(r.expr)) errors.push(`${where}.expr is unbalanced: ${r.expr}`);
      if (r.for !== undefined && !DURATION.test(String(r.for))) errors.push(`${where}.for`);
      if (!isStringMap(r.labels)) errors.push(`${where}.labels must map strings to strings`);
      if (!isStringMap(r.annotations)) errors.push(`${where}.annotations must map strings to strings`);
      if (typeof r.alert === 'string') {
        if (alerts.has(r.alert)) errors.push(`${where}: duplicate ${r.alert}`);
        alerts.add(r.alert);
        if (!(r.labels as Record<string, string> | undefined)?.severity)
          errors.push(`${where}: no severity label`);
      }
    }
  }
  return errors;
}

/** Validates one manifest; returns the problems found (empty when valid). */
export function validateManifest(m: Manifest): string[] {
  const id = `${m.kind}/${m.metadata?.name}`;
  if (m.apiVersion === 'monitoring.coreos.com/v1') {
    if (m.kind === 'ServiceMonitor') return validateServiceMonitor(m).map((e) => `${id}: ${e}`);
    if (m.kind === 'PrometheusRule') return validatePrometheusRule(m).map((e) => `${id}: ${e}`);
  }
  const Model = MODELS[`${m.apiVersion}/${m.kind}`];
  if (!Model) return [`${id}: no schema known for ${m.apiVersion} ${m.kind}`];
  try {
    new Model(m as never).validate();
    return [];
  } catch (error) {
    return [`${id}: ${(error as Error).message}`];
  }
}

/** A container as the tests inspect it. */
export interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  startupProbe?: unknown;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
}

/** A pod spec as the tests inspect it. */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, unknown>;
  volumes?: Array<Record<string, unknown> & { name: string }>;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  restartPolicy?: string;
}

/** The pod template (labels + spec) of a workload or pod manifest, if it has one. */
export function podOf(
  m: Manifest,
): { labels: Record<string, string>; annotations: Record<string, string>; spec: PodSpec } | undefined {
  if (m.kind === 'Pod') {
    return {
      labels: m.metadata.labels ?? {},
      annotations: m.metadata.annotations ?? {},
      spec: m.spec as PodSpec,
    };
  }
  if (m.kind === 'Deployment' || m.kind === 'Job' || m.kind === 'StatefulSet' || m.kind === 'DaemonSet') {
    const template = (m.spec as { template: { metadata?: Manifest['metadata']; spec: PodSpec } }).template;
    return {
      labels: template.metadata?.labels ?? {},
      annotations: template.metadata?.annotations ?? {},
      spec: template.spec,
    };
  }
  return undefined;
}

/** Whether a label selector's matchLabels select the given labels. */
export function selects(
  selector: { matchLabels?: Record<string, string> } | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** A pod volume by name, typed by the caller for the fields it reads. */
export function volumeOf<T>(spec: PodSpec | undefined, name: string): T | undefined {
  return spec?.volumes?.find((v) => v.name === name) as unknown as T | undefined;
}
