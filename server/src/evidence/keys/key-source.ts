/**
 * Where a signing key comes from (EVIDENCE.md §5): a file, a generated development key, or Vault
 * (a KV v2 value, or a Transit `ed25519` key whose private half never leaves Vault). The key ring
 * reads a source at start-up and again every `keys.refreshMs`; the Vault sources are built by the
 * secrets module, which owns the Vault client.
 */
import type { KeyObject } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import {
  ED25519_SIGNATURE_LENGTH,
  type Ed25519Signer,
  keyPairFromSeed,
  kidOf,
  localSigner,
} from '../core/index.js';
import { SignatureChecker } from './signature-checker.js';

/** A usable signing key. */
export interface SigningKey {
  /** b64url(SHA-256(raw public key)) (EVIDENCE.md §1 `ext.kid`). */
  kid: string;
  publicKey: Buffer;
  /** Present for local keys: the receipt path then signs without the async signer round trip. */
  privateKey?: KeyObject;
  signer: Ed25519Signer;
}

/** An earlier version of a key that its source still publishes (a Transit key version). */
export interface EarlierKeyVersion {
  kid: string;
  publicKey: Buffer;
  /** Unix ms from which the version signed. */
  nbf: number;
  /** Unix ms from which it no longer signs (its successor's creation plus the retirement grace). */
  exp: number;
}

/** What a source holds now. */
export interface SourcedKey {
  /** The key to sign with from now on. */
  key: SigningKey;
  /** Older versions, oldest first; each gets its JWKS entry with its own window. */
  earlier: readonly EarlierKeyVersion[];
  /** Names the key in logs, e.g. `transit/keys/ai-la-receipts version 3` (never key material). */
  label: string;
}

/** A key source: read once at start-up, then every `keys.refreshMs`. */
export interface KeySource {
  load(): Promise<SourcedKey>;
}

/** A signing key held in process memory, from its 32-byte RFC 8032 seed. */
export function localSigningKey(seed: Buffer): SigningKey {
  const pair = keyPairFromSeed(seed);
  return {
    kid: kidOf(pair.publicKeyRaw),
    publicKey: pair.publicKeyRaw,
    privateKey: pair.privateKey,
    signer: localSigner(pair),
  };
}

/** Checks remote signers' signatures off the event loop; its worker starts with the first check. */
const checker = new SignatureChecker();

/**
 * A remote signer (Vault Transit) as the evidence module uses it: every signature is checked against
 * the key's public key before use (RFC 8032 §5.1.7), and any failure of the signer (Vault down,
 * refused, a wrong answer) is reported to `onFailure` and thrown as EVIDENCE_UNAVAILABLE, so the
 * operation's result is withheld and nothing is recorded or published with a signature that does
 * not verify.
 */
export function checkedSigner(signer: Ed25519Signer, onFailure: (err: Error) => void): Ed25519Signer {
  const { publicKey } = signer;
  const verifies = async (data: Buffer, signature: Buffer) =>
    signature.length === ED25519_SIGNATURE_LENGTH && (await checker.verify(publicKey, data, signature));
  return {
    publicKey,
    sign: async (data) => {
      try {
        const signature = await signer.sign(data);
        if (!(await verifies(data, signature)))
          throw new Error('the signer returned a signature that does not verify with its public key');
        return signature;
      } catch (err) {
        onFailure(err as Error);
        throw new AppError('EVIDENCE_UNAVAILABLE');
      }
    },
  };
}
