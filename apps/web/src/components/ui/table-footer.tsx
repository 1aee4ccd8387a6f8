import { Button } from "./button";

/** Below a paged table: how many rows are loaded, and "Load more" while the server has more. */
export function TableFooter({
  count,
  noun,
  hasMore,
  isLoadingMore,
  onLoadMore,
  note,
}: {
  count: number;
  noun: [singular: string, plural: string];
  hasMore: boolean;
  isLoadingMore: boolean;
  onLoadMore: () => void;
  note?: string | undefined;
}) {
  return (
    <div className="table-footer">
      <span aria-live="polite">
        {count} {count === 1 ? noun[0] : noun[1]}
        {hasMore ? " loaded" : ""}
        {note ? ` · ${note}` : ""}
      </span>
      {hasMore ? (
        <Button size="sm" onClick={onLoadMore} isLoading={isLoadingMore}>
          Load more
        </Button>
      ) : null}
    </div>
  );
}
