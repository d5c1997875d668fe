/**
 * An export request as the job stores it: the normalised query (it becomes the manifest's), the tree
 * size of each log pinned when the export was requested, and the earlier trees to prove consistency
 * from.
 */
import type { BundleLog, BundleQuery } from '../bundle/format.js';

export interface ExportRequest {
  query: BundleQuery;
  /** Tree size of each included log's checkpoint at request time; every proof is against it. */
  pinned: Partial<Record<BundleLog, number>>;
  /** Earlier tree per log: its size, and the auditor's own checkpoint note when one was given. */
  since: Partial<Record<BundleLog, { size: number; note?: string }>>;
}
