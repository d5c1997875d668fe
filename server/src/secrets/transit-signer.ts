import type { Ed25519Signer } from '../evidence/core/keys.js';
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH, kidOf } from '../evidence/core/keys.js';
import type { VaultClient } from './vault-client.js';
import { VaultError } from './vault-raw.js';

/** One version of a Transit key, as published in the key set (EVIDENCE.md §5). */
export interface TransitKeyVersion {
  version: number;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  /** b64url(SHA-256(publicKey)) (EVIDENCE.md §1). */
  kid: string;
  /** RFC 3339 creation time as Vault reports it. */
  createdAt: string;
}

export interface TransitSignerOptions {
  vault: VaultClient;
  /** Transit mount (`evidence.keys.transit.mount`). */
  mount: string;
  /** An `ed25519` key (`evidence.keys.transit.receiptKey` or `logKey`). */
  key: string;
  /** Sign calls made within this many ms go out as one `batch_input` request (0: same tick). */
  batchWindowMs?: number;
  maxBatchSize?: number;
}

interface Pending {
  input: string;
  resolve: (signature: Buffer) => void;
  reject: (err: Error) => void;
}

const SIGNATURE = /^vault:v(\d+):([A-Za-z0-9+/]+={0,2})$/;

/**
 * An {@link Ed25519Signer} whose private key never leaves Vault Transit
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#sign-data). Signatures are made
 * with one pinned key version, whose public key is `publicKey`; {@link refresh} moves to the latest
 * version after a rotation. Concurrent `sign` calls within `batchWindowMs` are sent as one
 * `batch_input` request, so throughput does not depend on one round trip per signature.
 */
export class TransitSigner implements Ed25519Signer {
  private all: TransitKeyVersion[] = [];
  private pinnedVersion!: TransitKeyVersion;
  private readonly queues = new Map<number, Pending[]>();
  private cancelFlush: (() => void) | undefined;
  private readonly batchWindowMs: number;
  private readonly maxBatchSize: number;

  private constructor(private readonly options: TransitSignerOptions) {
    this.batchWindowMs = options.batchWindowMs ?? 2;
    this.maxBatchSize = options.maxBatchSize ?? 250;
  }

  /** Reads the key (`GET <mount>/keys/<key>`) and pins its latest version. */
  static async open(options: TransitSignerOptions): Promise<TransitSigner> {
    const signer = new TransitSigner(options);
    await signer.refresh();
    return signer;
  }

  /** Raw public key of the pinned version. */
  get publicKey(): Buffer {
    return this.pinnedVersion.publicKey;
  }

  get kid(): string {
    return this.pinnedVersion.kid;
  }

  get keyVersion(): number {
    return this.pinnedVersion.version;
  }

  /** Every version of the key, oldest first (old ones stay in the published key set). */
  get versions(): readonly TransitKeyVersion[] {
    return this.all;
  }

  /**
   * A signer fixed to the version pinned now: use one per receipt or checkpoint so that a
   * concurrent {@link refresh} cannot change the key between reading `publicKey` and signing.
   */
  pinned(): Ed25519Signer {
    const version = this.pinnedVersion;
    return { publicKey: version.publicKey, sign: (data) => this.enqueue(version.version, data) };
  }

  /** Signs with the pinned version. */
  sign(data: Buffer): Promise<Buffer> {
    return this.enqueue(this.pinnedVersion.version, data);
  }

  /** Re-reads the key; returns true when a newer version was pinned (the key was rotated). */
  async refresh(): Promise<boolean> {
    const { mount, key, vault } = this.options;
    const path = `${mount}/keys/${encodeURIComponent(key)}`;
    const response = await vault.read(path).catch((err: unknown) => {
      if (err instanceof VaultError && err.status === 404)
        throw new Error(`transit key ${path} does not exist`);
      throw err;
    });
    const data = response.data ?? {};
    if (data.type !== 'ed25519') {
      throw new Error(`transit key ${mount}/keys/${key} has type ${String(data.type)}; ed25519 is required`);
    }
    const keys = (data.keys ?? {}) as Record<string, { public_key?: unknown; creation_time?: unknown }>;
    const versions = Object.entries(keys)
      .map(([v, entry]) => {
        const publicKey = Buffer.from(String(entry.public_key ?? ''), 'base64');
        if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
          throw new Error(`transit key ${key} version ${v} has no valid ed25519 public key`);
        }
        return {
          version: Number(v),
          publicKey,
          kid: kidOf(publicKey),
          createdAt: String(entry.creation_time ?? ''),
        };
      })
      .sort((a, b) => a.version - b.version);
    const latest = versions.find((v) => v.version === data.latest_version) ?? versions.at(-1);
    if (!latest) throw new Error(`transit key ${mount}/keys/${key} has no versions`);
    const rotated = this.all.length > 0 && latest.version !== this.pinnedVersion.version;
    this.all = versions;
    this.pinnedVersion = latest;
    return rotated;
  }

  private enqueue(version: number, data: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(version) ?? [];
      this.queues.set(version, queue);
      queue.push({ input: data.toString('base64'), resolve, reject });
      if (queue.length >= this.maxBatchSize) this.flush();
      else if (!this.cancelFlush) {
        if (this.batchWindowMs > 0) {
          const timer = setTimeout(() => this.flush(), this.batchWindowMs);
          this.cancelFlush = () => clearTimeout(timer);
        } else {
          const immediate = setImmediate(() => this.flush());
          this.cancelFlush = () => clearImmediate(immediate);
        }
      }
    });
  }

  private flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    for (const [version, queue] of this.queues) {
      this.queues.delete(version);
      for (let i = 0; i < queue.length; i += this.maxBatchSize) {
        void this.send(version, queue.slice(i, i + this.maxBatchSize));
      }
    }
  }

  /** One `POST <mount>/sign/<key>`: `input` for one item, `batch_input` for more. */
  private async send(version: number, batch: Pending[]): Promise<void> {
    const { mount, key, vault } = this.options;
    const path = `${mount}/sign/${encodeURIComponent(key)}`;
    try {
      const body =
        batch.length === 1
          ? { input: batch[0]?.input, key_version: version }
          : { batch_input: batch.map((p) => ({ input: p.input })), key_version: version };
      const response = await vault.write(path, body);
      const results = batch.length === 1 ? [response.data ?? {}] : response.data?.batch_results;
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new Error(
          `${path} returned ${Array.isArray(results) ? results.length : 'no'} results for ${batch.length} inputs`,
        );
      }
      batch.forEach((pending, i) => {
        const result = results[i] as { signature?: unknown; error?: unknown };
        try {
          pending.resolve(this.decode(result, version));
        } catch (err) {
          pending.reject(err as Error);
        }
      });
    } catch (err) {
      for (const pending of batch) pending.reject(err as Error);
    }
  }

  /** `vault:v<N>:<base64>` → the 64-byte signature, checking it was made by the pinned version. */
  private decode(result: { signature?: unknown; error?: unknown }, version: number): Buffer {
    if (typeof result.error === 'string' && result.error) throw new Error(`transit sign: ${result.error}`);
    const m = SIGNATURE.exec(String(result.signature ?? ''));
    if (!m) throw new Error('transit sign returned a malformed signature');
    if (Number(m[1]) !== version) throw new Error(`transit signed with key version ${m[1]}, not ${version}`);
    const signature = Buffer.from(m[2] ?? '', 'base64');
    if (signature.length !== ED25519_SIGNATURE_LENGTH)
      throw new Error('transit returned a signature of the wrong length');
    return signature;
  }
}
