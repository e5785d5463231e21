/**
 * Whether this runtime's `fetch` sends a `ReadableStream` request body as it is read. Server runtimes do; browsers
 * do not over HTTP/1.1 (Chromium streams only over HTTP/2, Firefox and Safari not at all).
 *
 * @example
 * ```ts
 * streamsRequestBodies(); // true in Node, Deno and Bun
 * ```
 */
export function streamsRequestBodies(): boolean {
  const runtime = globalThis as {
    process?: { versions?: { node?: unknown } };
    Deno?: unknown;
    Bun?: unknown;
  };
  return (
    typeof runtime.process?.versions?.node === 'string' ||
    runtime.Deno !== undefined ||
    runtime.Bun !== undefined
  );
}

/**
 * A body `fetch` can send here: a stream is collected into a `Blob` where the runtime cannot stream request
 * bodies (a browser already holds the file it uploads); anything else passes through.
 */
export async function sendableBody<Body extends BodyInit | null | undefined>(
  body: Body,
  streaming: boolean,
): Promise<Body | Blob> {
  return body instanceof ReadableStream && !streaming ? new Response(body).blob() : body;
}
