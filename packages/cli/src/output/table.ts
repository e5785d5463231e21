/** A column of a {@link renderTable} table. Numbers read best right-aligned. */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/**
 * Renders rows as a plain-text table: a header row, then one line per row, columns two spaces apart.
 * No box drawing and no colour, so it reads the same in a terminal, a log file and a pipe.
 *
 * @example
 * ```ts
 * renderTable([{ header: 'stem' }, { header: 'size', align: 'right' }], [['vocals', '2.1 MB']]);
 * // 'stem      size\nvocals  2.1 MB'
 * ```
 */
export function renderTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        const width = widths[index] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map((row) => line(row))].join('\n');
}
