import { create } from 'content-disposition';

// Characters that are not shown but change what is shown: C0/C1 controls and the bidirectional controls
// (U+202E RIGHT-TO-LEFT OVERRIDE turns `evil\u202Eexe.wav` into a name displayed as `evilvaw.exe`).
const hiddenCharacters = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
// A lone surrogate (valid in JSON) cannot be percent-encoded.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The name a download is offered under: control and bidirectional-control characters removed (they could
 * disguise the name or its extension), a lone surrogate replaced by U+FFFD, `download` when nothing is left.
 */
export function safeDownloadName(name: string): string {
  const cleaned = name.replace(hiddenCharacters, '').replace(loneSurrogate, '\uFFFD');
  return cleaned.trim() === '' ? 'download' : cleaned;
}

/**
 * A `Content-Disposition: attachment` value for any file name, written by the `content-disposition` package: the
 * exact (cleaned, see {@link safeDownloadName}) name as RFC 8187 `filename*`, and a plain `filename` for old
 * clients with anything but ASCII letters, digits, spaces and `_.()-` replaced by `_`, so no name can add a
 * parameter or break the header.
 */
export function attachmentDisposition(name: string): string {
  const fileName = safeDownloadName(name);
  return create(fileName, { type: 'attachment', fallback: fileName.replace(/[^\w .()-]/g, '_') });
}

/** `name` with the extension `.extension` added unless it already ends with it (`ok.zip` stays `ok.zip`). */
export function withExtension(name: string, extension: string): string {
  return name.toLowerCase().endsWith(`.${extension.toLowerCase()}`) ? name : `${name}.${extension}`;
}
