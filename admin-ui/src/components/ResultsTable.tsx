/**
 * The frame of every result list: the error, the first load, the empty state, the table with its
 * header, and "Load more" for keyset-paginated lists. Pages give the columns and render the rows.
 */
import type { ReactNode } from 'react';
import type { CursorList } from '../hooks/use-cursor-list.js';
import { EmptyState, ErrorAlert, Loading } from './Feedback.js';
import { Card } from './Page.js';

export interface Column {
  label: string;
  /** Right-aligned numbers. */
  numeric?: boolean;
  /** A header read by screen readers only (the actions column). */
  hidden?: boolean;
}

export interface ResultsTableProps<T> {
  columns: readonly Column[];
  rows: readonly T[];
  /** One `<tr>` per row, with its key. */
  renderRow(row: T): ReactNode;
  /** The first answer has arrived: an empty list is then "nothing found", not "still loading". */
  loaded: boolean;
  loading: boolean;
  error: unknown;
  empty: { title: string; hint?: ReactNode };
  /** Accessible name of the table. */
  label?: string;
  /** Keyset pagination: "Load more" while there is a next page. */
  more?: { cursor: string | null; loadMore(): void; error: unknown };
  /** Shown above the table inside the card (a notice about the rows). */
  before?: ReactNode;
  /** Shown below the table inside the card (offset pagination). */
  after?: ReactNode;
  /** Inside another card: no card of its own. */
  bare?: boolean;
}

export function ResultsTable<T>(props: ResultsTableProps<T>) {
  const { columns, rows, loaded, loading, error, empty, more } = props;
  const Frame = props.bare ? BareFrame : FlushCard;
  return (
    <Frame>
      {error !== undefined && error !== null && (
        <div className="card-body">
          <ErrorAlert error={error} />
        </div>
      )}
      {props.before}
      {loading && !loaded && <Loading />}
      {loaded && rows.length === 0 && <EmptyState title={empty.title}>{empty.hint}</EmptyState>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label={props.label}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                    {c.hidden ? <span className="visually-hidden">{c.label}</span> : c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{rows.map((row) => props.renderRow(row))}</tbody>
          </table>
        </div>
      )}
      {more?.cursor && (
        <div className="pagination">
          <span>{rows.length} shown</span>
          <button type="button" className="btn btn-sm" onClick={() => more.loadMore()}>
            Load more
          </button>
        </div>
      )}
      {more && <ErrorAlert error={more.error} />}
      {props.after}
    </Frame>
  );
}

const FlushCard = ({ children }: { children: ReactNode }) => <Card flush>{children}</Card>;
const BareFrame = ({ children }: { children: ReactNode }) => <div className="results">{children}</div>;

/** The table props of a {@link CursorList}: its rows, first-page state and "Load more". */
export function cursorRows<T>(list: CursorList<T>) {
  return {
    rows: list.items,
    loaded: list.first.data !== undefined,
    loading: list.first.loading,
    error: list.first.error,
    more: { cursor: list.cursor, loadMore: () => void list.loadMore(), error: list.moreError },
  };
}

/** The table props of a loaded resource holding a list. */
export function resourceRows<T, R>(
  resource: { data: R | undefined; loading: boolean; error: unknown },
  rowsOf: (data: R) => readonly T[],
) {
  return {
    rows: resource.data ? rowsOf(resource.data) : [],
    loaded: resource.data !== undefined,
    loading: resource.loading,
    error: resource.error,
  };
}
