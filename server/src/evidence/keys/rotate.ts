/**
 * Key rotation (EVIDENCE.md §5): a new key gets a new kid; the previous key of the same purpose keeps
 * its JWKS entry forever, with `exp` set `keys.retireGraceMs` ahead so that replicas which have not
 * reloaded yet still sign within its window. Running replicas switch within `keys.refreshMs`.
 */
import type { Knex } from 'knex';
import type { AuditService } from '../../audit/index.js';
import type { EvidenceConfig } from '../config-schema.js';
import { keyPairFromSeed, kidOf } from '../core/index.js';
import { readSeed, replaceSeed } from './key-material.js';
import { listKeys, registerKey } from './key-repository.js';
import { type KeyRole, keyFiles, PURPOSES } from './key-ring.js';

/** What a rotation did for one role. */
export interface RotationResult {
  role: KeyRole;
  kid: string;
  /** Keys retired by it, with the end of their validity (Unix ms). */
  retired: Array<{ purpose: string; kid: string; exp: number }>;
}

export interface RotateOptions {
  db: Knex;
  config: EvidenceConfig['keys'];
  production: boolean;
  /** `receipt`, `log` or both. */
  roles: readonly KeyRole[];
  /** Records a `keys.rotated` audit event per role, in the registration's transaction. */
  audit?: AuditService;
  now?: number;
}

/**
 * Rotates keys. Generated keys: a new key replaces the file. File keys: the operator has already put
 * the new key in the file (e.g. updated the Kubernetes Secret); this registers it and retires the old.
 * @throws Error when a key file still holds the current key.
 */
export async function rotateSigningKeys(opts: RotateOptions): Promise<RotationResult[]> {
  const files = keyFiles(opts.config, opts.production);
  const now = opts.now ?? Date.now();
  const results: RotationResult[] = [];
  for (const role of opts.roles) {
    const purposes = PURPOSES[role];
    const current = (await listKeys(opts.db, purposes[0])).filter((k) => k.exp === null).map((k) => k.kid);
    let seed: Buffer;
    if (files.generate) seed = await replaceSeed(files[role]);
    else {
      seed = await readSeed(files[role]);
      const kid = kidOf(keyPairFromSeed(seed).publicKeyRaw);
      if (current.includes(kid)) {
        throw new Error(
          `${files[role]} still holds the current ${role} key ${kid}: write the new key there first (e.g. openssl genpkey -algorithm ed25519)`,
        );
      }
    }
    const publicKey = keyPairFromSeed(seed).publicKeyRaw;
    const kid = kidOf(publicKey);
    const retired: RotationResult['retired'] = [];
    await opts.db.transaction(async (trx) => {
      for (const purpose of purposes) {
        const done = await registerKey(trx, { purpose, kid, publicKey }, now, opts.config.retireGraceMs);
        for (const old of done.retired)
          retired.push({ purpose, kid: old, exp: now + opts.config.retireGraceMs });
      }
      await opts.audit?.record(trx, {
        action: 'keys.rotated',
        outcome: 'success',
        actor: { type: 'system', id: 'aila-keys-rotate' },
        details: { role, kid, previous_kids: [...new Set(retired.map((r) => r.kid))] },
      });
    });
    results.push({ role, kid, retired });
  }
  return results;
}
