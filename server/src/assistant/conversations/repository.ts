/** SQL of conversations and their messages. */
import type { Db } from '../../platform/db/knex.js';
import { type After, afterKey } from '../paging.js';

export interface ConversationRow {
  id: string;
  user_id: string;
  team_id: string | null;
  project_id: string | null;
  task_id: string | null;
  title: string | null;
  message_count: number;
  created_at: Date;
  updated_at: Date;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  role: 'user' | 'assistant';
  content_sha256: Buffer;
  content_chars: number;
  content_sealed: Buffer | null;
  request_id: string;
  created_at: Date;
}

/** The user's own conversation (conversations are private, even in a shared project). */
export const findConversation = (db: Db, userId: string, id: string, lock = false) =>
  db<ConversationRow>('conversations')
    .where({ id, user_id: userId })
    .modify((q) => {
      if (lock) q.forUpdate();
    })
    .first() as Promise<ConversationRow | undefined>;

export function listConversations(
  db: Db,
  userId: string,
  page: {
    projectId?: string | undefined;
    taskId?: string | undefined;
    after: After | undefined;
    limit: number;
  },
): Promise<ConversationRow[]> {
  const q = db('conversations as c')
    .where('c.user_id', userId)
    .select('c.*')
    .limit(page.limit + 1);
  if (page.projectId) q.where('c.project_id', page.projectId);
  if (page.taskId) q.where('c.task_id', page.taskId);
  return afterKey(q, 'c.updated_at', 'c.id', page.after) as unknown as Promise<ConversationRow[]>;
}

export async function insertConversation(db: Db, row: ConversationRow): Promise<ConversationRow> {
  const [inserted] = (await db('conversations').insert(row).returning('*')) as ConversationRow[];
  return inserted as ConversationRow;
}

export async function updateConversation(
  db: Db,
  id: string,
  changes: Partial<Pick<ConversationRow, 'title' | 'message_count' | 'updated_at'>>,
): Promise<ConversationRow> {
  const [row] = (await db('conversations').where({ id }).update(changes).returning('*')) as ConversationRow[];
  return row as ConversationRow;
}

export const deleteConversation = (db: Db, id: string) => db('conversations').where({ id }).delete();

export async function insertMessages(db: Db, rows: MessageRow[]): Promise<void> {
  if (rows.length > 0) await db('conversation_messages').insert(rows);
}

/** Messages in order, after `afterSeq`; `limit + 1` rows. */
export const listMessages = (db: Db, conversationId: string, afterSeq: number, limit: number) =>
  db<MessageRow>('conversation_messages')
    .where('conversation_id', conversationId)
    .andWhere('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit + 1) as Promise<MessageRow[]>;

/**
 * Forgets sealed message texts older than `before`, except those of held users and teams (legal
 * hold), at most `limit` per call (the retention job repeats until none is left); the metadata
 * (role, hash, length) stays. Returns how many texts were removed.
 */
export async function purgeSealedMessages(
  db: Db,
  before: Date,
  held: { users: readonly string[]; teams: readonly string[] },
  limit: number,
): Promise<number> {
  const result = await db.raw(
    `update conversation_messages set content_sealed = null where id in (
       select m.id from conversation_messages m join conversations c on c.id = m.conversation_id
        where m.content_sealed is not null and m.created_at < ?
          and not (c.user_id = any(?::uuid[]))
          and (c.team_id is null or not (c.team_id = any(?::uuid[])))
        limit ?)`,
    [before, [...held.users], [...held.teams], limit],
  );
  return (result as { rowCount: number }).rowCount;
}

/**
 * Whether conversations in `scope` hold retained (sealed) message text of a held user or team, which
 * deleting them would destroy.
 */
export async function holdsHeldContent(
  db: Db,
  scope: { conversationId: string } | { projectId: string } | { taskId: string },
  held: { users: readonly string[]; teams: readonly string[] },
): Promise<boolean> {
  if (held.users.length === 0 && held.teams.length === 0) return false;
  const [column, id] =
    'conversationId' in scope
      ? ['c.id', scope.conversationId]
      : 'projectId' in scope
        ? ['c.project_id', scope.projectId]
        : ['c.task_id', scope.taskId];
  const result = await db.raw(
    `select 1 from conversations c
      where ${column} = ?
        and (c.user_id = any(?::uuid[]) or c.team_id = any(?::uuid[]))
        and exists (select 1 from conversation_messages m
                     where m.conversation_id = c.id and m.content_sealed is not null)
      limit 1`,
    [id, [...held.users], [...held.teams]],
  );
  return (result as { rows: unknown[] }).rows.length > 0;
}
