import { flexRender, type Header, type Row, type RowData } from "@tanstack/react-table";

declare module "@tanstack/react-table" {
  interface ColumnMeta<TData extends RowData, TValue> {
    /** The class of the column's header and cells (e.g. `col-optional`, hidden on phones). */
    className?: string;
  }
}

/** A header row's plain `<th>` cells (no sorting), each with its column's class. */
export function HeaderCells<T>({ headers }: { headers: Header<T, unknown>[] }) {
  return headers.map((header) => (
    <th key={header.id} scope="col" className={header.column.columnDef.meta?.className}>
      {flexRender(header.column.columnDef.header, header.getContext())}
    </th>
  ));
}

/** A row's `<td>` cells, each with its column's class. */
export function RowCells<T>({ row }: { row: Row<T> }) {
  return row.getVisibleCells().map((cell) => (
    <td key={cell.id} className={cell.column.columnDef.meta?.className}>
      {flexRender(cell.column.columnDef.cell, cell.getContext())}
    </td>
  ));
}
