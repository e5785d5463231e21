import { parentPort } from 'node:worker_threads';
import { type ComputeRequest, compute } from './compute.ts';
import { InputError } from './errors.ts';

// A worker thread of the compute pool: one operation at a time, results' buffers transferred back.

function buffersOf(value: unknown, found: ArrayBuffer[] = []): ArrayBuffer[] {
  if (value instanceof Uint8Array) {
    // Only whole buffers move; a view into a shared (pooled) buffer is copied instead.
    const whole = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
    if (whole && value.buffer instanceof ArrayBuffer && !found.includes(value.buffer))
      found.push(value.buffer);
  } else if (Array.isArray(value)) {
    for (const item of value) buffersOf(item, found);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) buffersOf(item, found);
  }
  return found;
}

parentPort?.on('message', async ({ id, request }: { id: number; request: ComputeRequest }) => {
  try {
    const result = await compute(request);
    parentPort?.postMessage({ id, result }, buffersOf(result));
  } catch (error) {
    parentPort?.postMessage({
      id,
      error: {
        message: error instanceof Error ? error.message : String(error),
        input: error instanceof InputError,
      },
    });
  }
});
