import type { Db } from '../../platform/db/knex.js';

/** A sign-in in progress (`login_states` row). */
export interface LoginStateRow {
  id: string;
  state_hash: string;
  binding_hash: string;
  connection: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: Date;
  expires_at: Date;
}

export async function insertLoginState(db: Db, row: Omit<LoginStateRow, 'created_at'>): Promise<void> {
  await db('login_states').insert(row);
}

/**
 * Takes the sign-in for `stateHash` out of the table when the browser binding matches: deleting and
 * returning in one statement makes it single-use even when two callbacks race (RFC 6749 §10.12,
 * RFC 9700 §4.7.1), and a request from another browser cannot use up someone else's sign-in.
 */
export async function consumeLoginState(
  db: Db,
  stateHash: string,
  bindingHash: string,
): Promise<LoginStateRow | undefined> {
  const [row] = await db<LoginStateRow>('login_states')
    .where({ state_hash: stateHash, binding_hash: bindingHash })
    .delete()
    .returning('*');
  return row as LoginStateRow | undefined;
}

/** True when a sign-in with this state is pending (tells a foreign browser from an unknown state). */
export async function loginStateExists(db: Db, stateHash: string): Promise<boolean> {
  return (await db('login_states').where({ state_hash: stateHash }).first('id')) !== undefined;
}

export async function deleteExpiredLoginStates(db: Db, now: Date): Promise<number> {
  return db('login_states').where('expires_at', '<=', now).delete();
}
