import type { BackendConfig, GatewayConfig } from '../config-schema.js';
import { Backend, type BackendView } from './backend.js';

/** The URL host of an IP address (IPv6 in brackets, RFC 3986 §3.2.2). */
export const hostOf = (address: string) => (address.includes(':') ? `[${address}]` : address);

/** Id of a DNS-discovered replica: `<backend name>@<address>:<port>`. */
export const replicaId = (name: string, address: string, port: number) =>
  `${name}@${hostOf(address)}:${port}`;

/** Problems in the backends configuration that the schema alone cannot express. */
export function backendConfigProblems(backends: readonly BackendConfig[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, b] of backends.entries()) {
    if (names.has(b.name)) problems.push(`gateway.backends[${i}].name: ${b.name} is used twice`);
    names.add(b.name);
    if ((b.url === undefined) === (b.dns === undefined)) {
      problems.push(`gateway.backends[${i}]: set exactly one of url and dns`);
    }
  }
  return problems;
}

/**
 * Every known replica: the static ones from configuration and those discovered through DNS, with
 * the drain state shared through PostgreSQL.
 */
export class BackendRegistry {
  private readonly statics: Backend[] = [];
  private readonly discovered = new Map<string, Map<string, Backend>>();
  private drains = new Set<string>();
  /** The configured backends by name, with rotated API keys applied. */
  private readonly groups = new Map<string, BackendConfig>();

  constructor(
    private readonly config: GatewayConfig,
    /** Time source of the circuit breakers. */
    private readonly now: () => number = Date.now,
  ) {
    const problems = backendConfigProblems(config.backends);
    if (problems.length > 0)
      throw new Error(`invalid gateway configuration:\n  - ${problems.join('\n  - ')}`);
    for (const b of config.backends) {
      this.groups.set(b.name, b);
      if (b.url !== undefined)
        this.statics.push(new Backend(b.name, b, new URL(b.url), 'static', config, now));
      else this.discovered.set(b.name, new Map());
    }
  }

  /** Whether any backend is configured at all (readiness then requires a healthy one). */
  get configured(): boolean {
    return this.config.backends.length > 0;
  }

  /** Configured DNS groups. */
  dnsGroups(): BackendConfig[] {
    return [...this.groups.values()].filter((b) => b.dns !== undefined);
  }

  /**
   * Uses a new API key for the configured backend `name` (a rotated `vault:` reference or secret
   * file): every replica sends it from its next request on, and replicas discovered later get it.
   * Returns false when the key is unknown or unchanged.
   */
  setApiKey(name: string, apiKey: string): boolean {
    const group = this.groups.get(name);
    if (!group || group.apiKey === apiKey) return false;
    this.groups.set(name, { ...group, apiKey });
    for (const backend of this.all()) if (backend.group === name) backend.setApiKey(apiKey);
    return true;
  }

  /** Every current replica. */
  all(): Backend[] {
    const replicas = [...this.statics];
    for (const group of this.discovered.values()) replicas.push(...group.values());
    return replicas;
  }

  find(id: string): Backend | undefined {
    return this.all().find((b) => b.id === id);
  }

  /** Whether `target` names a replica or a backend group. */
  knows(target: string): boolean {
    return this.config.backends.some((b) => b.name === target) || this.find(target) !== undefined;
  }

  /**
   * Replaces the replicas of a DNS group with `addresses`; returns the replicas that left (their
   * in-flight requests finish; the caller closes their pools once idle).
   */
  applyDns(group: BackendConfig, addresses: readonly string[]): { added: Backend[]; removed: Backend[] } {
    const dns = group.dns;
    const current = this.discovered.get(group.name);
    if (!dns || !current) return { added: [], removed: [] };
    const wanted = new Map(addresses.map((a) => [replicaId(group.name, a, dns.port), a]));
    const added: Backend[] = [];
    const removed: Backend[] = [];
    for (const [id, address] of wanted) {
      if (current.has(id)) continue;
      const url = new URL(`${dns.scheme}://${hostOf(address)}:${dns.port}`);
      const backend = new Backend(
        id,
        this.groups.get(group.name) ?? group,
        url,
        'dns',
        this.config,
        this.now,
      );
      current.set(id, backend);
      added.push(backend);
    }
    for (const [id, backend] of current) {
      if (wanted.has(id)) continue;
      backend.removed = true;
      current.delete(id);
      removed.push(backend);
    }
    return { added, removed };
  }

  setDrains(targets: Iterable<string>): void {
    this.drains = new Set(targets);
  }

  drain(target: string): void {
    this.drains.add(target);
  }

  undrain(target: string): void {
    this.drains.delete(target);
  }

  isDrained(b: Backend): boolean {
    return this.drains.has(b.id) || this.drains.has(b.group);
  }

  /** Healthy, not drained, circuit not open: may receive new requests (capacity aside). */
  isRoutable(b: Backend): boolean {
    return b.up && !b.removed && !this.isDrained(b) && b.breaker.canPass();
  }

  /** Whether a model is served by at least one routable replica. */
  hasRoutable(model: string): boolean {
    return this.all().some((b) => b.serves(model) && this.isRoutable(b));
  }

  view(b: Backend): BackendView {
    return b.view(this.isDrained(b), this.isRoutable(b));
  }

  close(): void {
    for (const b of this.all()) b.close();
  }
}
