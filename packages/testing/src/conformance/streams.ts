/** Bytes as a stream of `chunks` roughly equal pieces. */
export function bytesStream(bytes: Uint8Array, chunks = 4): ReadableStream<Uint8Array> {
  const pieces = splitBytes(bytes, chunks);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

/** Splits bytes into `count` roughly equal pieces (fewer when there are fewer bytes). */
export function splitBytes(bytes: Uint8Array, count: number): Uint8Array[] {
  const size = Math.max(1, Math.ceil(bytes.byteLength / count));
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += size)
    pieces.push(bytes.slice(offset, offset + size));
  return pieces;
}
