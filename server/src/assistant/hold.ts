/**
 * Legal hold on the assistant's retained content: deleting a project, task or conversation that
 * holds sealed message text of a held user or team is refused (LEGAL_HOLD_ACTIVE), so a hold
 * preserves what users could otherwise delete themselves. Metadata-only conversations may go.
 */
import type { Db } from '../platform/db/knex.js';
import { AppError } from '../platform/errors.js';
import type { RetentionRegistry } from './content.js';
import { holdsHeldContent } from './conversations/repository.js';

export type DeletionScope = Parameters<typeof holdsHeldContent>[1];

export async function assertNoHeldContent(
  db: Db,
  retention: Pick<RetentionRegistry, 'held'> | undefined,
  scope: DeletionScope,
): Promise<void> {
  if (!retention) return;
  if (await holdsHeldContent(db, scope, await retention.held(db))) throw new AppError('LEGAL_HOLD_ACTIVE');
}
