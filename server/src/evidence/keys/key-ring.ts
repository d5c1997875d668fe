/**
 * The signing keys this replica uses (EVIDENCE.md §5): one receipt key, one log key (it signs the
 * checkpoints of both logs, each under its own origin as key name). Keys come from files, Vault
 * (KV v2 or Transit: see key-source.ts) or, in development, are generated into `.aila/keys`;
 * private keys never enter the database. The ring re-reads its sources periodically so a rotated
 * key is picked up without a restart, and registers every public key it learns of, with its
 * validity window, for the JWKS and the verifiers.
 */
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { EvidenceConfig } from '../config-schema.js';
import { LOG_NAMES } from '../logs.js';
import { readOrCreateSeed, readSeed } from './key-material.js';
import {
  type KeyPurpose,
  listKeys,
  registerEarlierKey,
  registerKey,
  type StoredKey,
} from './key-repository.js';
import {
  checkedSigner,
  type KeySource,
  localSigningKey,
  type SigningKey,
  type SourcedKey,
} from './key-source.js';

export type { KeySource, SigningKey } from './key-source.js';

/** File names of the generated development keys. */
export const GENERATED_KEY_FILES = {
  receipt: 'receipt-signing-key.pem',
  log: 'log-signing-key.pem',
} as const;

export type KeyRole = keyof typeof GENERATED_KEY_FILES;

/** The purposes a role's key is registered under. */
export const PURPOSES: Readonly<Record<KeyRole, readonly KeyPurpose[]>> = {
  receipt: ['receipts'],
  log: LOG_NAMES.map((name) => `log:${name}` as const),
};

/** Where each key is read from, and whether a missing file is generated. */
export function keyFiles(
  config: EvidenceConfig['keys'],
  production: boolean,
): { receipt: string; log: string; generate: boolean } {
  if (config.source === 'generated') {
    if (production) {
      throw new Error(
        'evidence.keys.source=generated is for development only; set it to file with receiptKeyFile and logKeyFile',
      );
    }
    return {
      receipt: join(config.dir, GENERATED_KEY_FILES.receipt),
      log: join(config.dir, GENERATED_KEY_FILES.log),
      generate: true,
    };
  }
  if (config.source === 'kv' || config.source === 'transit') {
    throw new Error(
      config.source === 'transit'
        ? 'evidence.keys.source=transit: the keys live in Vault; rotate with `vault write -f <mount>/keys/<key>/rotate` and running replicas switch within evidence.keys.refreshMs'
        : 'evidence.keys.source=kv: the keys live in Vault KV v2; rotate by writing a new version of the secret and running replicas switch within evidence.keys.refreshMs',
    );
  }
  if (config.receiptKeyFile === undefined || config.logKeyFile === undefined) {
    throw new Error(
      'evidence.keys.source=file needs evidence.keys.receiptKeyFile and evidence.keys.logKeyFile',
    );
  }
  return { receipt: config.receiptKeyFile, log: config.logKeyFile, generate: false };
}

/** The file (or generated) source of one role's key. */
function fileSource(path: string, generate: boolean): KeySource {
  return {
    load: async () => ({
      key: localSigningKey(await (generate ? readOrCreateSeed(path) : readSeed(path))),
      earlier: [],
      label: path,
    }),
  };
}

/** The sources of `generated` and `file` keys; the Vault sources come from the secrets module. */
export function localKeySources(
  config: EvidenceConfig['keys'],
  production: boolean,
): Record<KeyRole, KeySource> {
  const files = keyFiles(config, production);
  return { receipt: fileSource(files.receipt, files.generate), log: fileSource(files.log, files.generate) };
}

export interface KeyRingOptions {
  db: Knex;
  config: EvidenceConfig['keys'];
  production: boolean;
  logger: Logger;
  /** Where the keys come from; default: the local files of `config` (sources `generated`, `file`). */
  sources?: Record<KeyRole, KeySource>;
  /** Called once per failed remote signature (metrics). */
  onSigningFailure?: (role: KeyRole) => void;
  now?: () => number;
}

/** Cached reads of `signing_keys` stay this fresh. */
const STORED_TTL_MS = 2000;
/** A failing remote signer is logged at most this often per role (each failure is counted). */
const FAILURE_LOG_INTERVAL_MS = 10_000;

export class KeyRing {
  readonly #opts: KeyRingOptions;
  readonly #sources: Record<KeyRole, KeySource>;
  readonly #keys = {} as Record<KeyRole, SigningKey>;
  /** Kids already registered by this replica, per role: a refresh with nothing new writes nothing. */
  readonly #registered: Record<KeyRole, Set<string>> = { receipt: new Set(), log: new Set() };
  readonly #lastFailureLog: Record<KeyRole, number> = { receipt: 0, log: 0 };
  #stored: { at: number; keys: Promise<StoredKey[]> } | undefined;
  #timer: NodeJS.Timeout | undefined;

  private constructor(opts: KeyRingOptions, sources: Record<KeyRole, KeySource>) {
    this.#opts = opts;
    this.#sources = sources;
  }

  /** Loads (or, in development, generates) both keys and registers their public halves. */
  static async open(opts: KeyRingOptions): Promise<KeyRing> {
    const { source } = opts.config;
    if ((source === 'kv' || source === 'transit') && opts.sources === undefined) {
      throw new Error(`evidence.keys.source=${source} reads the keys from Vault: configure secrets.vault`);
    }
    const ring = new KeyRing(opts, opts.sources ?? localKeySources(opts.config, opts.production));
    for (const role of ['receipt', 'log'] as const) {
      const loaded = await ring.#sources[role].load().catch((err: Error) => {
        throw new Error(`cannot load the ${role} signing key: ${err.message}`, { cause: err });
      });
      await ring.#use(role, loaded);
    }
    return ring;
  }

  /** The current receipt signing key. */
  get receipt(): SigningKey {
    return this.#keys.receipt;
  }

  /** The current checkpoint signing key of both logs. */
  get log(): SigningKey {
    return this.#keys.log;
  }

  /** Registered public keys (cached for two seconds). */
  stored(): Promise<StoredKey[]> {
    const now = Date.now();
    if (this.#stored === undefined || now - this.#stored.at > STORED_TTL_MS) {
      const keys = listKeys(this.#opts.db);
      keys.catch(() => {
        this.#stored = undefined;
      });
      this.#stored = { at: now, keys };
    }
    return this.#stored.keys;
  }

  /**
   * Re-reads the key sources; a changed key is registered and used from now on (earlier versions a
   * source publishes are registered too). Returns true when a key changed.
   */
  async refresh(): Promise<boolean> {
    let changed = false;
    for (const role of ['receipt', 'log'] as const) {
      const loaded = await this.#sources[role].load();
      const previous = this.#keys[role].kid;
      await this.#use(role, loaded);
      if (loaded.key.kid === previous) continue;
      this.#opts.logger.info({ role, kid: loaded.key.kid, key: loaded.label }, 'signing key changed');
      changed = true;
    }
    return changed;
  }

  /** Starts re-reading the key sources every `keys.refreshMs`. */
  start(): void {
    this.#timer ??= setInterval(() => {
      this.refresh().catch((err: unknown) =>
        this.#opts.logger.error({ err }, 'signing keys could not be reloaded; the current ones stay in use'),
      );
    }, this.#opts.config.refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Registers what a source returned, then switches to its key. The key is registered before it
   * signs anything, so every receipt and checkpoint names a kid that is already in the key set.
   */
  async #use(role: KeyRole, loaded: SourcedKey): Promise<void> {
    const { key, earlier, label } = loaded;
    const known = this.#registered[role];
    if (!known.has(key.kid) || earlier.some((v) => !known.has(v.kid))) {
      await this.#register(role, loaded);
      for (const v of earlier) known.add(v.kid);
      known.add(key.kid);
    }
    if (this.#keys[role]?.kid === key.kid) return;
    this.#keys[role] =
      key.privateKey !== undefined
        ? key
        : { ...key, signer: checkedSigner(key.signer, (err) => this.#signingFailed(role, label, err)) };
  }

  #signingFailed(role: KeyRole, label: string, err: Error): void {
    this.#opts.onSigningFailure?.(role);
    const now = Date.now();
    if (now - this.#lastFailureLog[role] < FAILURE_LOG_INTERVAL_MS) return;
    this.#lastFailureLog[role] = now;
    this.#opts.logger.error(
      { role, key: label, err: err.message },
      'signing failed: receipts are withheld (EVIDENCE_UNAVAILABLE) and checkpoints wait until the signer answers',
    );
  }

  async #register(role: KeyRole, { key, earlier }: SourcedKey): Promise<void> {
    const now = (this.#opts.now ?? Date.now)();
    for (const purpose of PURPOSES[role]) {
      for (const version of earlier) {
        if (await registerEarlierKey(this.#opts.db, { purpose, ...version })) {
          this.#opts.logger.info({ purpose, kid: version.kid }, 'earlier signing key version registered');
        }
      }
      const { created, retired } = await registerKey(
        this.#opts.db,
        { purpose, kid: key.kid, publicKey: key.publicKey },
        now,
        this.#opts.config.retireGraceMs,
      );
      if (created) this.#opts.logger.info({ purpose, kid: key.kid, retired }, 'signing key registered');
    }
    this.#stored = undefined;
    const mine = (await this.stored()).filter((k) => k.kid === key.kid && k.exp !== null);
    for (const k of mine) {
      this.#opts.logger.warn(
        { purpose: k.purpose, kid: k.kid, exp: new Date(k.exp as number).toISOString() },
        'the configured signing key was rotated out; give this replica the current key (file, KV secret or Transit key)',
      );
    }
  }
}
