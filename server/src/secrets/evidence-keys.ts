/**
 * The evidence signing keys from Vault (EVIDENCE.md §5), as key sources for the evidence module's
 * key ring: `evidence.keys.source: transit` (Transit `ed25519` keys; the private keys never leave
 * Vault) or `kv` (the keys as KV v2 values named by `vault:` references).
 */
import type { EvidenceConfig } from '../evidence/config-schema.js';
import { parseSeed } from '../evidence/keys/key-material.js';
import { NBF_SKEW_MS } from '../evidence/keys/key-repository.js';
import type { KeyRole } from '../evidence/keys/key-ring.js';
import { type EarlierKeyVersion, type KeySource, localSigningKey } from '../evidence/keys/key-source.js';
import type { KvSecrets } from './kv-secrets.js';
import { type TransitKeyVersion, TransitSigner } from './transit-signer.js';
import type { VaultClient } from './vault-client.js';

type KeysConfig = EvidenceConfig['keys'];

const timeOf = (version: TransitKeyVersion, key: string): number => {
  const at = Date.parse(version.createdAt);
  if (Number.isNaN(at)) throw new Error(`transit key ${key} version ${version.version} has no creation_time`);
  return at;
};

/**
 * A Transit key as a key source. Each `load` re-reads the key (`GET <mount>/keys/<name>`), signs from
 * then on with its latest version, and reports the older versions with the window each signed in:
 * from its creation to its successor's creation plus `retireGraceMs` (the time replicas take to notice
 * a rotation).
 */
export function transitKeySource(signer: TransitSigner, name: string, retireGraceMs: number): KeySource {
  let first = true;
  return {
    load: async () => {
      if (!first) await signer.refresh();
      first = false;
      const pinned = signer.pinned();
      const version = signer.keyVersion;
      const versions = signer.versions.filter((v) => v.version <= version);
      const earlier: EarlierKeyVersion[] = versions.slice(0, -1).map((v, i) => ({
        kid: v.kid,
        publicKey: v.publicKey,
        nbf: timeOf(v, name) - NBF_SKEW_MS,
        exp: timeOf(versions[i + 1] as TransitKeyVersion, name) + retireGraceMs,
      }));
      return {
        key: { kid: signer.kid, publicKey: pinned.publicKey, signer: pinned },
        earlier,
        label: `${name} version ${version}`,
      };
    },
  };
}

/** A KV v2 value (`vault:` reference) holding a private key, as a key source; re-read at each `load`. */
export function kvKeySource(kv: KvSecrets, reference: string): KeySource {
  return {
    load: async () => {
      const { value, version } = await kv.read(reference);
      return {
        key: localSigningKey(parseSeed(Buffer.from(value, 'utf8'), reference)),
        earlier: [],
        label: `${reference} (KV version ${version})`,
      };
    },
  };
}

/** Where the Vault key sources read from. */
export interface EvidenceKeyDeps {
  vault: VaultClient;
  kv: KvSecrets;
  /** Configuration key path → the `vault:` reference it was resolved from. */
  references: ReadonlyMap<string, string>;
}

/**
 * The receipt and log key sources of `evidence.keys` when its source is `transit` or `kv`; undefined
 * for the local sources (`generated`, `file`).
 * @throws Error when a Transit key is missing or not `ed25519`, or a `kv` key is not a `vault:` reference.
 */
export async function openEvidenceKeySources(
  keys: KeysConfig,
  deps: EvidenceKeyDeps,
): Promise<Record<KeyRole, KeySource> | undefined> {
  if (keys.source === 'transit') {
    const { mount, batchWindowMs, maxBatchSize } = keys.transit;
    const open = async (key: string) => {
      const signer = await TransitSigner.open({ vault: deps.vault, mount, key, batchWindowMs, maxBatchSize });
      return transitKeySource(signer, `${mount}/keys/${key}`, keys.retireGraceMs);
    };
    return { receipt: await open(keys.transit.receiptKey), log: await open(keys.transit.logKey) };
  }
  if (keys.source === 'kv') {
    const reference = (field: 'receiptKey' | 'logKey') => {
      const path = `evidence.keys.kv.${field}`;
      const found = deps.references.get(path);
      if (!found) {
        throw new Error(
          `${path} must be a vault:<mount>/<path>#<key> reference when evidence.keys.source is kv (a key in a file: source file)`,
        );
      }
      return found;
    };
    return {
      receipt: kvKeySource(deps.kv, reference('receiptKey')),
      log: kvKeySource(deps.kv, reference('logKey')),
    };
  }
  return undefined;
}
