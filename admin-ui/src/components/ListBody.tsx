/** The states of a keyset-paginated list inside a card: error, loading, empty, items, "Load more". */
import type { ReactNode } from 'react';
import type { CursorList } from '../hooks/use-cursor-list.js';
import { ErrorAlert, Loading } from './Feedback.js';

export function ListBody<T>({
  list,
  empty,
  children,
}: {
  list: CursorList<T>;
  empty: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      {list.first.error !== undefined && (
        <div className="card-body">
          <ErrorAlert error={list.first.error} />
        </div>
      )}
      {list.first.loading && !list.first.data && <Loading />}
      {list.first.data && list.items.length === 0 && empty}
      {list.items.length > 0 && children}
      {list.cursor && (
        <div className="card-body">
          <button type="button" className="btn btn-sm" onClick={() => void list.loadMore()}>
            Load more
          </button>
          <ErrorAlert error={list.moreError} />
        </div>
      )}
    </>
  );
}
