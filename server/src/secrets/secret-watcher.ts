import type { KvSecrets } from './kv-secrets.js';
import { parseReference } from './kv-secrets.js';

/** Called with the new value of a watched secret (and the reference it came from). */
export type SecretListener = (value: string, reference: string) => void;

export interface SecretWatcherOptions {
  kv: KvSecrets;
  /** How often references are re-read (`secrets.vault.refreshIntervalMs`). */
  intervalMs: number;
  /** Configuration key path → reference, as found by the resolver (for {@link SecretWatcher.subscribeKey}). */
  references?: ReadonlyMap<string, string>;
  /** Where a listener's or a read's failure is reported. */
  onError?: (err: Error, reference: string) => void;
}

/**
 * Re-reads `vault:` references on a schedule, for secrets that rotate while the appliance runs (an
 * OIDC client secret, upstream API keys), and tells subscribers the new value without a restart.
 * References pinned to a version (`@N`) never change and are not re-read. While Vault is
 * unreachable the last value stays in use and nobody is notified.
 */
export class SecretWatcher {
  private readonly listeners = new Map<string, Set<SecretListener>>();
  private readonly last = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: SecretWatcherOptions) {}

  /**
   * Calls `listener` whenever `reference` gets a new value; returns the unsubscribe function.
   * The current value (if already read) is the baseline: only later changes are reported.
   */
  subscribe(reference: string, listener: SecretListener): () => void {
    parseReference(reference); // fail fast on a malformed reference
    let set = this.listeners.get(reference);
    if (!set) {
      set = new Set();
      this.listeners.set(reference, set);
      const cached = this.options.kv.cached(reference);
      if (cached) this.last.set(reference, cached.value);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(reference);
        this.last.delete(reference);
      }
    };
  }

  /**
   * Subscribes to the reference that the configuration key `path` (e.g.
   * `auth.oidc.connections.0.clientSecret`) was resolved from.
   * @throws Error when that key was not a `vault:` reference.
   */
  subscribeKey(path: string, listener: SecretListener): () => void {
    const reference = this.options.references?.get(path);
    if (!reference) throw new Error(`configuration key ${path} was not given as a vault: reference`);
    return this.subscribe(reference, listener);
  }

  /** The latest known value of a reference. */
  current(reference: string): string | undefined {
    return this.last.get(reference) ?? this.options.kv.cached(reference)?.value;
  }

  /** Starts re-reading every `intervalMs`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Re-reads every watched reference once; returns how many changed. Concurrent calls share one round. */
  refresh(): Promise<number> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<number> {
    const references = [...this.listeners.keys()].filter((r) => parseReference(r).version === undefined);
    const results = await Promise.allSettled(references.map((r) => this.options.kv.read(r)));
    let changed = 0;
    results.forEach((result, i) => {
      const reference = references[i] as string;
      if (result.status === 'rejected') {
        this.options.onError?.(result.reason as Error, reference);
        return;
      }
      const previous = this.last.get(reference);
      this.last.set(reference, result.value.value);
      if (previous === undefined || previous === result.value.value) return;
      changed++;
      for (const listener of this.listeners.get(reference) ?? []) {
        try {
          listener(result.value.value, reference);
        } catch (err) {
          this.options.onError?.(err as Error, reference);
        }
      }
    });
    return changed;
  }
}
