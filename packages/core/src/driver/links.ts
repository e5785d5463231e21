/**
 * When a signed URL stops working, read from its own query: `X-Goog-Date` + `X-Goog-Expires` (Google Cloud
 * Storage), `X-Amz-Date` + `X-Amz-Expires` (S3), or `Expires` as Unix seconds (CloudFront, older S3). `undefined`
 * when the URL does not say.
 *
 * @example
 * ```ts
 * expiryOfSignedUrl('https://cdn.test/a.wav?X-Goog-Date=20260101T000000Z&X-Goog-Expires=3600');
 * // '2026-01-01T01:00:00.000Z'
 * ```
 */
export function expiryOfSignedUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  for (const vendor of ['Goog', 'Amz']) {
    const date = query.get(`X-${vendor}-Date`);
    const seconds = Number(query.get(`X-${vendor}-Expires`));
    const match = date && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    if (match && seconds > 0) {
      const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
      const signed = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
      return new Date(signed + seconds * 1000).toISOString();
    }
  }
  // Unix seconds: anything before 2001 is no such timestamp but some other use of the name.
  const expires = Number(query.get('Expires'));
  return expires >= 1e9 ? new Date(expires * 1000).toISOString() : undefined;
}
