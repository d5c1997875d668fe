import { randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../platform/db/knex.js';
import { randomToken, sha256Hex } from '../tokens.js';

/** A bootstrap link works this long, once. */
export const BOOTSTRAP_TTL_MS = 15 * 60_000;

/** The local account a bootstrap link without an e-mail signs in as. */
export const BOOTSTRAP_ADMIN_EMAIL = 'bootstrap-admin@aila.invalid';

/** A `bootstrap_tokens` row. */
export interface BootstrapTokenRow {
  id: string;
  token_hash: string;
  email: string | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  used_by: string | null;
}

/**
 * Issues a one-time first-admin sign-in token (`aila admin bootstrap`): stored as SHA-256, valid
 * 15 minutes, audited. The token itself is returned here only.
 */
export async function issueBootstrapToken(
  db: Db,
  audit: AuditService,
  input: { email?: string | undefined },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + BOOTSTRAP_TTL_MS);
  await db.transaction(async (trx) => {
    await trx('bootstrap_tokens').where('expires_at', '<=', now).whereNull('used_at').delete();
    const id = randomUUID();
    await trx('bootstrap_tokens').insert({
      id,
      token_hash: sha256Hex(token),
      email: input.email?.toLowerCase() ?? null,
      created_at: now,
      expires_at: expiresAt,
    });
    await audit.record(trx, {
      action: 'auth.bootstrap',
      outcome: 'success',
      actor: { type: 'system', id: 'cli' },
      target: { type: 'bootstrap_token', id },
      details: { stage: 'issued', email_given: input.email !== undefined },
    });
  });
  return { token, expiresAt };
}

/** Uses a token up: at most once, only before it expires. Undefined when it cannot be used. */
export async function consumeBootstrapToken(db: Db, token: string): Promise<BootstrapTokenRow | undefined> {
  const now = new Date();
  const [row] = await db<BootstrapTokenRow>('bootstrap_tokens')
    .where({ token_hash: sha256Hex(token) })
    .whereNull('used_at')
    .andWhere('expires_at', '>', now)
    .update({ used_at: now })
    .returning('*');
  return row as BootstrapTokenRow | undefined;
}
