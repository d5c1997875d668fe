import type { Db } from '../../platform/db/knex.js';
import type { ApiKeyScope } from '../rbac.js';

/** Where a device login stands: waiting, decided by the user, or its key handed out. */
export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'consumed';

/** A `device_codes` row. */
export interface DeviceCodeRow {
  id: string;
  device_code_hash: string;
  user_code: string;
  client_id: string;
  scopes: ApiKeyScope[];
  status: DeviceStatus;
  user_id: string | null;
  interval_seconds: number;
  last_polled_at: Date | null;
  created_at: Date;
  expires_at: Date;
  decided_at: Date | null;
  api_key_id: string | null;
}

/** Rows are kept this long after expiry, so a late poll still hears expired_token (RFC 8628 §3.5). */
const KEEP_EXPIRED_MS = 3_600_000;

/** Stores a new device login, first removing rows long past their expiry. */
export async function insertDeviceCode(
  db: Db,
  row: Omit<DeviceCodeRow, 'status' | 'user_id' | 'last_polled_at' | 'decided_at' | 'api_key_id'>,
): Promise<void> {
  await db('device_codes')
    .where('expires_at', '<=', new Date(Date.now() - KEEP_EXPIRED_MS))
    .delete();
  await db('device_codes').insert(row);
}

/** The device login with this device code hash, whatever its state. */
export const findByDeviceCode = (db: Db, hash: string) =>
  db<DeviceCodeRow>('device_codes').where({ device_code_hash: hash }).first() as Promise<
    DeviceCodeRow | undefined
  >;

/** The live (pending or approved, unexpired) request with this user code. */
export const findByUserCode = (db: Db, userCode: string) =>
  db<DeviceCodeRow>('device_codes')
    .where({ user_code: userCode })
    .whereIn('status', ['pending', 'approved'])
    .andWhere('expires_at', '>', new Date())
    .first() as Promise<DeviceCodeRow | undefined>;

/** Approves or denies a pending request; undefined when it was no longer pending. */
export async function decide(
  db: Db,
  id: string,
  decision: { status: 'approved' | 'denied'; userId: string; scopes: ApiKeyScope[] },
): Promise<DeviceCodeRow | undefined> {
  const [row] = await db<DeviceCodeRow>('device_codes')
    .where({ id, status: 'pending' })
    .update({
      status: decision.status,
      user_id: decision.userId,
      scopes: decision.scopes,
      decided_at: new Date(),
    })
    .returning('*');
  return row as DeviceCodeRow | undefined;
}

/** Records a poll (and a slowed-down interval); returns nothing. */
export async function recordPoll(db: Db, id: string, now: Date, intervalSeconds: number): Promise<void> {
  await db('device_codes').where({ id }).update({ last_polled_at: now, interval_seconds: intervalSeconds });
}

/** Takes an approved request for its token: single use, even when two polls race. */
export async function consume(db: Db, id: string): Promise<DeviceCodeRow | undefined> {
  const [row] = await db<DeviceCodeRow>('device_codes')
    .where({ id, status: 'approved' })
    .update({ status: 'consumed' })
    .returning('*');
  return row as DeviceCodeRow | undefined;
}

/** Records which API key a consumed device login produced. */
export async function setApiKey(db: Db, id: string, apiKeyId: string): Promise<void> {
  await db('device_codes').where({ id }).update({ api_key_id: apiKeyId });
}
