/**
 * Conversations with the assistant: private to their user, optionally under a project and one of
 * its tasks. Messages always keep their metadata (role, SHA-256, length); their text is kept only
 * sealed, only while content retention is `full`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AuditService } from '../../audit/index.js';
import { type Actor, audited } from '../../identity/index.js';
import type { Db } from '../../platform/db/knex.js';
import { AppError } from '../../platform/errors.js';
import type { AssistantContent, RetentionRegistry } from '../content.js';
import { assertNoHeldContent } from '../hold.js';
import { decodeCursor, type Page, pageOf } from '../paging.js';
import { presentConversation, presentMessage } from '../presenters.js';
import type { Viewer } from '../projects/repository.js';
import type { ProjectService } from '../projects/service.js';
import {
  type ConversationRow,
  deleteConversation,
  findConversation,
  insertConversation,
  insertMessages,
  listConversations,
  listMessages,
  type MessageRow,
  updateConversation,
} from './repository.js';

type Presented = Record<string, unknown>;

/** Where a new conversation goes. */
export interface Placement {
  projectId?: string | undefined;
  taskId?: string | undefined;
}

/** One finished exchange to append: the user's message and the answer. */
export interface Turn {
  requestId: string;
  user: string;
  answer: string;
  answerId: string;
}

const notFound = () => new AppError('NOT_FOUND', 'No such conversation.');

export class ConversationService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly projects: ProjectService,
    private readonly content: AssistantContent | undefined,
    private readonly retention?: Pick<RetentionRegistry, 'held'> | undefined,
  ) {}

  /** Checks that the viewer sees the project and that the task is one of its tasks. */
  async checkPlacement(viewer: Viewer, placement: Placement): Promise<void> {
    if (placement.taskId && !placement.projectId)
      throw new AppError('VALIDATION_FAILED', undefined, [
        { field: 'body.project_id', message: 'is required with task_id' },
      ]);
    if (placement.taskId && placement.projectId)
      await this.projects.task(viewer, placement.projectId, placement.taskId);
    else if (placement.projectId) await this.projects.project(viewer, placement.projectId);
  }

  /** The caller's own conversation, or NOT_FOUND. */
  async conversation(userId: string, id: string, db: Db = this.db, lock = false): Promise<ConversationRow> {
    const row = await findConversation(db, userId, id, lock);
    if (!row) throw notFound();
    return row;
  }

  async list(userId: string, q: { project_id?: string; task_id?: string; cursor?: string; limit: number }) {
    const rows = await listConversations(this.db, userId, {
      projectId: q.project_id,
      taskId: q.task_id,
      after: decodeCursor(q.cursor),
      limit: q.limit,
    });
    return pageOf(rows, q.limit, (r) => ({ at: r.updated_at, id: r.id }), presentConversation);
  }

  async get(userId: string, id: string): Promise<Presented> {
    return presentConversation(await this.conversation(userId, id));
  }

  /** A new, empty conversation (`id` fixed beforehand when a chat operation creates it). */
  async create(
    viewer: Viewer,
    teamId: string | null,
    input: Placement & { title?: string | undefined; id?: string },
    db: Db = this.db,
  ): Promise<Presented> {
    await this.checkPlacement(viewer, input);
    const at = new Date();
    const row = await insertConversation(db, {
      id: input.id ?? randomUUID(),
      user_id: viewer.userId,
      team_id: teamId,
      project_id: input.projectId ?? null,
      task_id: input.taskId ?? null,
      title: input.title ?? null,
      message_count: 0,
      created_at: at,
      updated_at: at,
    });
    return presentConversation(row);
  }

  async rename(userId: string, id: string, title: string | null): Promise<Presented> {
    await this.conversation(userId, id);
    return presentConversation(await updateConversation(this.db, id, { title, updated_at: new Date() }));
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const row = await this.conversation(actor.userId, id, trx, true);
      await assertNoHeldContent(trx, this.retention, { conversationId: id });
      await deleteConversation(trx, id);
      if (row.message_count === 0) return; // Nothing was said: nothing worth an audit event.
      await this.audit.record(
        trx,
        audited(actor, {
          action: 'conversation.deleted',
          outcome: 'success',
          target: { type: 'conversation', id },
          details: { messages: row.message_count, project_id: row.project_id },
        }),
      );
    });
  }

  /** Messages in order; texts opened when retained (null with the reason otherwise). */
  async messages(
    userId: string,
    id: string,
    q: { cursor?: string; limit: number },
  ): Promise<Page<Presented>> {
    await this.conversation(userId, id);
    // The cursor is the base64url of the last message's sequence number.
    const decoded = q.cursor === undefined ? '-1' : Buffer.from(q.cursor, 'base64url').toString('utf8');
    const afterSeq = Number(decoded);
    if (!/^(-1|\d{1,9})$/.test(decoded))
      throw new AppError('VALIDATION_FAILED', undefined, [
        { field: 'query.cursor', message: 'is malformed' },
      ]);
    const rows = await listMessages(this.db, id, afterSeq, q.limit);
    const items = await Promise.all(rows.slice(0, q.limit).map((row) => this.present(row)));
    const last = rows.length > q.limit ? rows[q.limit - 1] : undefined;
    return { items, next_cursor: last ? Buffer.from(String(last.seq)).toString('base64url') : null };
  }

  private async present(row: MessageRow): Promise<Presented> {
    if (!row.content_sealed || !this.content) return presentMessage(row, null, 'not_retained');
    const opened = await this.content.open(this.db, row.content_sealed);
    return opened
      ? presentMessage(row, opened.toString('utf8'), null)
      : presentMessage(row, null, 'shredded');
  }

  /**
   * Appends a finished exchange, creating the conversation first when `create` is set. Texts are
   * sealed for the conversation's owners when `retained`; their SHA-256 and length are always kept.
   */
  async append(
    viewer: Viewer,
    teamId: string | null,
    conversationId: string,
    create: (Placement & { title?: string | undefined }) | undefined,
    turn: Turn,
    retained: boolean,
  ): Promise<void> {
    await this.db.transaction(async (trx) => {
      if (create) await this.create(viewer, teamId, { ...create, id: conversationId }, trx);
      const conversation = await this.conversation(viewer.userId, conversationId, trx, true);
      const owner = { userId: conversation.user_id, teamId: conversation.team_id };
      const at = new Date();
      const rows: MessageRow[] = [];
      for (const [role, text, id] of [
        ['user', turn.user, randomUUID()],
        ['assistant', turn.answer, turn.answerId],
      ] as const) {
        const bytes = Buffer.from(text, 'utf8');
        rows.push({
          id,
          conversation_id: conversationId,
          seq: conversation.message_count + rows.length,
          role,
          content_sha256: createHash('sha256').update(bytes).digest(),
          content_chars: text.length,
          content_sealed: retained && this.content ? await this.content.seal(trx, owner, bytes) : null,
          request_id: turn.requestId,
          created_at: at,
        });
      }
      await insertMessages(trx, rows);
      await updateConversation(trx, conversationId, {
        message_count: conversation.message_count + rows.length,
        updated_at: at,
      });
    });
  }
}
