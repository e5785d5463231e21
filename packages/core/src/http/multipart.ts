/** A streamed `multipart/form-data` body. */
export interface MultipartBody {
  /** The encoded body: the part's header, the file's bytes as they are read, then the closing boundary. */
  readonly body: ReadableStream<Uint8Array>;
  /** `multipart/form-data` with the body's random boundary; send it as the request's `content-type`. */
  readonly contentType: string;
  /** Total length in bytes, when the file's size is known. */
  readonly length?: number;
}

/**
 * Wraps a file stream (after any text `fields`) in a `multipart/form-data` body without buffering it, so uploads of any size
 * keep memory flat (a `FormData` would need the whole file as a Blob).
 *
 * @example
 * ```ts
 * const multipart = multipartFile({ field: 'file', fileName: file.name, contentType: file.type, body: file.stream(), size: file.size });
 * // `duplex: 'half'` streams the body (Node's fetch; the DOM's RequestInit does not list it yet).
 * const init = { method: 'POST', body: multipart.body, headers: { 'content-type': multipart.contentType }, duplex: 'half' };
 * await fetch('https://api.acme.test/upload', init as RequestInit);
 * ```
 */
export function multipartFile(file: {
  field: string;
  fileName: string;
  contentType?: string;
  body: ReadableStream<Uint8Array>;
  size?: number;
  /** Text fields sent before the file part, in order (e.g. `{ model: 'six' }`); names and values are escaped. */
  fields?: Readonly<Record<string, string>>;
}): MultipartBody {
  const boundary = `stemkit-${crypto.randomUUID()}`;
  const encoder = new TextEncoder();
  const safeName = file.fileName.replace(/["\r\n]/g, '_');
  const quoted = (text: string) => text.replace(/["\r\n]/g, '_');
  const fields = Object.entries(file.fields ?? {})
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value.replace(/\r\n|\r|\n/g, ' ')}\r\n`,
    )
    .join('');
  const head = encoder.encode(
    `${fields}--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${safeName}"\r\n` +
      `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const reader = file.body.getReader();
  let stage: 'head' | 'file' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === 'head') {
        stage = 'file';
        controller.enqueue(head);
        return;
      }
      const { done, value } = await reader.read();
      if (!done) {
        controller.enqueue(value);
        return;
      }
      controller.enqueue(tail);
      controller.close();
      stage = 'done';
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return {
    body,
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: file.size === undefined ? undefined : head.byteLength + file.size + tail.byteLength,
  };
}
