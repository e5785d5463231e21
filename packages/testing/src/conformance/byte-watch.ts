// Lets the upload-streaming check see, from inside `createFaultyFetch`, whether a request body carried the first
// bytes of a source before the source had been read to its end. Module state, shared by both sides.

interface Watch {
  readonly marker: Uint8Array;
  readonly seen: () => void;
}

const watches = new Set<Watch>();

/**
 * Starts watching request bodies for `marker`; `seen` resolves once one carried it.
 *
 * @internal
 */
export function watchRequestBodies(marker: Uint8Array): { seen: Promise<void>; stop(): void } {
  let resolve!: () => void;
  const seen = new Promise<void>((done) => {
    resolve = done;
  });
  const watch: Watch = { marker, seen: resolve };
  watches.add(watch);
  return { seen, stop: () => watches.delete(watch) };
}

/** Whether any check is watching (so the faulty fetch leaves bodies alone otherwise). */
export function isWatching(): boolean {
  return watches.size > 0;
}

/** Passes a body through unchanged, reporting each active watch whose marker goes by. */
export function observeBody(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const longest = Math.max(0, ...[...watches].map((watch) => watch.marker.byteLength));
  let tail = new Uint8Array(0);
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const window = new Uint8Array(tail.byteLength + chunk.byteLength);
        window.set(tail);
        window.set(chunk, tail.byteLength);
        for (const watch of watches) if (contains(window, watch.marker)) watch.seen();
        tail = window.slice(Math.max(0, window.byteLength - longest + 1));
        controller.enqueue(chunk);
      },
    }),
  );
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let start = 0; start + needle.byteLength <= haystack.byteLength; start++) {
    for (let index = 0; index < needle.byteLength; index++) {
      if (haystack[start + index] !== needle[index]) continue outer;
    }
    return true;
  }
  return false;
}
