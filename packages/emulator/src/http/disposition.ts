/**
 * A `Content-Disposition: attachment` value for any file name: a plain `filename` for old clients (anything but
 * ASCII letters, digits, spaces and `_.()-` replaced by `_`) and the exact name as RFC 5987 `filename*`, so no name can
 * add a parameter or break the header.
 */
export function attachmentDisposition(name: string): string {
  // A lone surrogate (valid in JSON) cannot be percent-encoded: it becomes U+FFFD.
  const fileName = name.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
  const fallback = fileName.replace(/[^\w .()-]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
