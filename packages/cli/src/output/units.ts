/**
 * A byte count for people: decimal units, three significant figures.
 *
 * @example
 * ```ts
 * formatBytes(1_843_200); // '1.84 MB'
 * ```
 */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 'B';
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${Number(value.toPrecision(3))} ${unit}`;
}

/**
 * A duration for people: `12.3 s` under a minute, `m:ss` above.
 *
 * @example
 * ```ts
 * formatDuration(12.34); // '12.3 s'
 * formatDuration(185);   // '3:05'
 * ```
 */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}
