/**
 * What an export needs of the content module (CONTENT-API.md): the retention mode and the decrypted
 * content of operations, read in batches. app.ts passes the content module's service.
 */
import type { Db } from '../../platform/db/knex.js';

export interface ContentReader {
  mode(): Promise<'none' | 'full'>;
  readOperations(
    db: Db,
    requestIds: string[],
  ): Promise<
    Array<{
      requestId: string;
      userId: string;
      teamId: string | null;
      op: string;
      createdAt: Date;
      shredded: boolean;
      input: { bytes: Buffer; mediaType: string } | null;
      output: { bytes: Buffer; mediaType: string } | null;
    }>
  >;
}
