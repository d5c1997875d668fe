/**
 * What the assistant needs of the content module (server/src/content, CONTENT-API.md): the retention
 * mode, storing an operation's content, and sealing and opening conversation messages. Without a
 * content module nothing is retained.
 */
import type { ContentStore } from '../gateway/index.js';
import type { Db } from '../platform/db/knex.js';

/** Whose content a value is: the user, and the team the user acted for. */
export interface ContentOwner {
  userId: string;
  teamId: string | null;
}

export interface AssistantContent extends ContentStore {
  /** Encrypts a value for its owner (a self-describing sealed blob). */
  seal(db: Db, owner: ContentOwner, plaintext: Buffer): Promise<Buffer>;
  /** Decrypts a sealed blob; null once the user's or the team's key has been destroyed. */
  open(db: Db, sealed: Buffer): Promise<Buffer | null>;
}

/** Users and teams under an active legal hold. */
export interface HeldSubjects {
  users: string[];
  teams: string[];
}

/** The retention job's hook for the assistant's sealed columns, and the legal holds in force. */
export interface RetentionRegistry {
  held(db: Db): Promise<HeldSubjects>;
  register(hook: {
    name: string;
    purge(
      db: Db,
      scope: { before: Date; held: { users: string[]; teams: string[] }; limit: number },
    ): Promise<number>;
  }): void;
}

/** Whether content is retained now. */
export const retains = async (content: AssistantContent | undefined): Promise<boolean> =>
  content !== undefined && (await content.mode()) === 'full';
