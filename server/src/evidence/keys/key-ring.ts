/**
 * The signing keys this replica uses (EVIDENCE.md §5): one receipt key, one log key (it signs the
 * checkpoints of both logs, each under its own origin as key name). Keys come from files or, in
 * development, are generated into `.aila/keys`; private keys never enter the database. The ring
 * re-reads its source periodically so a rotated key is picked up without a restart.
 */
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { EvidenceConfig } from '../config-schema.js';
import { type Ed25519Signer, keyPairFromSeed, kidOf, localSigner } from '../core/index.js';
import { LOG_NAMES } from '../logs.js';
import { readOrCreateSeed, readSeed } from './key-material.js';
import { type KeyPurpose, listKeys, registerKey, type StoredKey } from './key-repository.js';

/** A usable signing key. */
export interface SigningKey {
  /** b64url(SHA-256(raw public key)) (EVIDENCE.md §1 `ext.kid`). */
  kid: string;
  publicKey: Buffer;
  /** Present for local keys: the receipt path then signs without the async signer round trip. */
  privateKey?: KeyObject;
  signer: Ed25519Signer;
}

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
  if (config.receiptKeyFile === undefined || config.logKeyFile === undefined) {
    throw new Error(
      'evidence.keys.source=file needs evidence.keys.receiptKeyFile and evidence.keys.logKeyFile',
    );
  }
  return { receipt: config.receiptKeyFile, log: config.logKeyFile, generate: false };
}

function signingKey(seed: Buffer): SigningKey {
  const pair = keyPairFromSeed(seed);
  return {
    kid: kidOf(pair.publicKeyRaw),
    publicKey: pair.publicKeyRaw,
    privateKey: pair.privateKey,
    signer: localSigner(pair),
  };
}

export interface KeyRingOptions {
  db: Knex;
  config: EvidenceConfig['keys'];
  production: boolean;
  logger: Logger;
  now?: () => number;
}

/** Cached reads of `signing_keys` stay this fresh. */
const STORED_TTL_MS = 2000;

export class KeyRing {
  readonly #opts: KeyRingOptions;
  readonly #files: { receipt: string; log: string; generate: boolean };
  readonly #keys: Record<KeyRole, SigningKey>;
  #stored: { at: number; keys: Promise<StoredKey[]> } | undefined;
  #timer: NodeJS.Timeout | undefined;

  private constructor(opts: KeyRingOptions, files: KeyRing['files'], keys: Record<KeyRole, SigningKey>) {
    this.#opts = opts;
    this.#files = files;
    this.#keys = keys;
  }

  /** Loads (or, in development, generates) both keys and registers their public halves. */
  static async open(opts: KeyRingOptions): Promise<KeyRing> {
    const files = keyFiles(opts.config, opts.production);
    const read = files.generate ? readOrCreateSeed : readSeed;
    const ring = new KeyRing(opts, files, {
      receipt: signingKey(await read(files.receipt)),
      log: signingKey(await read(files.log)),
    });
    await ring.#register('receipt');
    await ring.#register('log');
    return ring;
  }

  /** The key files in use. */
  get files(): { receipt: string; log: string; generate: boolean } {
    return this.#files;
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

  /** Re-reads the key files; a changed key is registered and used from now on. Returns true on change. */
  async refresh(): Promise<boolean> {
    let changed = false;
    for (const role of ['receipt', 'log'] as const) {
      const next = signingKey(await readSeed(this.#files[role]));
      if (next.kid === this.#keys[role].kid) continue;
      this.#keys[role] = next;
      await this.#register(role);
      this.#opts.logger.info({ role, kid: next.kid }, 'signing key changed');
      changed = true;
    }
    return changed;
  }

  /** Starts re-reading the key source every `keys.refreshMs`. */
  start(): void {
    this.#timer ??= setInterval(() => {
      this.refresh().catch((err: unknown) =>
        this.#opts.logger.error({ err }, 'signing keys could not be reloaded'),
      );
    }, this.#opts.config.refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #register(role: KeyRole): Promise<void> {
    const key = this.#keys[role];
    const now = (this.#opts.now ?? Date.now)();
    for (const purpose of PURPOSES[role]) {
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
        'the configured signing key was rotated out; replace the key file with the current key',
      );
    }
  }
}
