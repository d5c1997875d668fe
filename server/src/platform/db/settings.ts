import type { Db } from './knex.js';

/**
 * Reads an installation value from `settings`, creating it with `create` on first use. Concurrent
 * first starts of several replicas agree on one value (the first insert wins).
 */
export async function settingOrCreate(db: Db, key: string, create: () => string): Promise<string> {
  await db('settings')
    .insert({ key, value: JSON.stringify(create()) })
    .onConflict('key')
    .ignore();
  const row = (await db('settings').where({ key }).first('value')) as { value: string };
  return row.value;
}
