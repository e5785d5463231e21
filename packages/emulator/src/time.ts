/** An ISO timestamp without its zone, meaning UTC, as the Sourcere API writes expiries (`2020-07-14T13:20:58.140`). */
export function zonelessTimestamp(date: Date): string {
  return date.toISOString().slice(0, 23);
}

/** Now, as an ISO-8601 string. */
export function now(): string {
  return new Date().toISOString();
}
