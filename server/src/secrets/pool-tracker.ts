import type { Knex } from 'knex';

/** What is used of a pooled `pg.Client`. */
interface PgConnection {
  user?: string;
  end(): Promise<void>;
  once(event: 'end', listener: () => void): unknown;
}

/** The events and free list of knex's tarn pool (tarn 3) used here. */
interface TarnPool {
  free: Array<{ resource: PgConnection }>;
  on(event: 'createRequest', handler: (eventId: number) => void): void;
  on(event: 'createSuccess', handler: (eventId: number, resource: PgConnection) => void): void;
  on(event: 'createFail', handler: (eventId: number) => void): void;
  on(event: 'release', handler: (resource: PgConnection) => void): void;
}

/** Retires the pooled connections of one database user without interrupting them. */
export interface ConnectionTracker {
  /**
   * Closes every connection of `user` as soon as it is idle (idle ones at once, busy ones when
   * released) and resolves true once none is left, including connections being opened right now;
   * false when `until` (epoch ms) passes first.
   */
  drain(user: string, until: number): Promise<boolean>;
}

/**
 * Follows the connections of a knex pool through tarn's events. Knex's pool validation (which the
 * caller configures to refuse retired users) runs before every hand-out, so a connection found in
 * the free list, or just released, can be closed safely: it will never be handed out again.
 */
export function trackConnections(db: Knex): ConnectionTracker {
  const pool: TarnPool | undefined = db.client.pool;
  if (!pool) throw new Error('knex created no connection pool');
  const live = new Set<PgConnection>();
  const ending = new WeakSet<PgConnection>();
  const creating = new Set<number>();
  const retired = new Set<string>();
  let wake: (() => void) | undefined;
  const changed = () => {
    wake?.();
    wake = undefined;
  };
  const close = (connection: PgConnection) => {
    if (ending.has(connection)) return;
    ending.add(connection);
    connection.end().catch(() => undefined);
  };

  pool.on('createRequest', (id) => creating.add(id));
  pool.on('createFail', (id) => {
    creating.delete(id);
    changed();
  });
  pool.on('createSuccess', (id, connection) => {
    creating.delete(id);
    live.add(connection);
    connection.once('end', () => {
      live.delete(connection);
      changed();
    });
    changed();
  });
  pool.on('release', (connection) => {
    if (connection.user !== undefined && retired.has(connection.user)) close(connection);
  });

  return {
    async drain(user, until) {
      retired.add(user);
      const opening = new Set(creating);
      for (;;) {
        for (const { resource } of pool.free) if (resource.user === user) close(resource);
        const busy = [...live].some((c) => c.user === user);
        if (!busy && ![...opening].some((id) => creating.has(id))) {
          retired.delete(user);
          return true;
        }
        const left = until - Date.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
}
