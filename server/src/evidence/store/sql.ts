/**
 * Direct PostgreSQL access for the evidence hot paths: native `$n` parameters, PostgreSQL arrays
 * (`unnest`) and binary `bytea` parameters, on connections borrowed from the application's knex pool.
 */
import type { Knex } from 'knex';
import type pg from 'pg';

/** Anything that runs a parameterised statement: a borrowed pool connection or a dedicated one. */
export interface SqlClient {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Runs `fn` on a connection borrowed from the knex pool, returned afterwards whatever happens. */
export async function withConnection<T>(db: Knex, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  const conn = (await db.client.acquireConnection()) as pg.ClientBase;
  try {
    return await fn(conn);
  } finally {
    await db.client.releaseConnection(conn);
  }
}

/**
 * Runs `fn` in a transaction on `client` (BEGIN/COMMIT, ROLLBACK on error). The commit is durable
 * whatever the server's default: evidence is never acknowledged before its WAL is flushed
 * (PostgreSQL "synchronous_commit").
 */
export async function inTransaction<T>(client: SqlClient, fn: () => Promise<T>): Promise<T> {
  // One round trip: the simple query protocol runs both statements.
  await client.query('begin; set local synchronous_commit to on');
  try {
    const result = await fn();
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

/** A bigint column (returned as text by the pool's type parser) as a safe JS number. */
export function toNumber(value: string | number | bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${value} is out of range`);
  return n;
}

/** A timestamptz as Unix milliseconds. */
export const toMs = (value: Date | string): number =>
  value instanceof Date ? value.getTime() : new Date(value).getTime();
