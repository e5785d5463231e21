import { Worker } from 'node:worker_threads';
import { type ComputeRequest, type ComputeResults, compute } from './compute.ts';
import { InputError } from './errors.ts';
import { Limiter } from './limiter.ts';

interface Pending {
  request: ComputeRequest;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; pending: Pending };
}

interface Reply {
  id: number;
  result?: unknown;
  error?: { message: string; input: boolean };
}

// From TypeScript sources (tests, `node src/bin.ts`) the worker runs its .ts with Node's type stripping and the
// workspace's source condition; from dist it is the bundled `processing-worker.js` next to this chunk.
const fromSource = import.meta.url.endsWith('.ts');
const defaultWorkerUrl = fromSource
  ? new URL('./worker.ts', import.meta.url)
  : new URL('./processing-worker.js', import.meta.url);
const workerArguments = fromSource ? ['--conditions=@stemkit/source'] : [];

/**
 * Runs audio work on a few worker threads, so separations never block the event loop that answers requests.
 * Should a worker fail to start (an environment without worker support), the work runs in-process instead,
 * with the same bound on concurrency.
 */
export class ComputePool {
  readonly #size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  readonly #inProcess: Limiter;
  #fallback = false;
  #nextId = 0;
  #closed = false;

  readonly #workerUrl: URL;

  /** `workerUrl` defaults to the bundled worker; tests point it elsewhere to exercise the fallback. */
  constructor(size: number, workerUrl: URL = defaultWorkerUrl) {
    this.#size = size;
    this.#workerUrl = workerUrl;
    this.#inProcess = new Limiter(size);
  }

  run<Request extends ComputeRequest>(request: Request): Promise<ComputeResults[Request['operation']]> {
    if (this.#closed) return Promise.reject(new Error('The emulator closed'));
    if (this.#fallback) return this.#inProcess.run(() => compute(request));
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve: resolve as Pending['resolve'], reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const closed = new Error('The emulator closed');
    for (const pending of this.#queue.splice(0)) pending.reject(closed);
    for (const slot of this.#slots) slot.busy?.pending.reject(closed);
    await Promise.all(this.#slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((each) => !each.busy);
      if (!slot && this.#slots.length < this.#size) slot = this.#spawn();
      if (!slot) return;
      const pending = this.#queue.shift() as Pending;
      const id = this.#nextId++;
      slot.busy = { id, pending };
      slot.worker.postMessage({ id, request: pending.request });
    }
  }

  #spawn(): Slot {
    const worker = new Worker(this.#workerUrl, { execArgv: workerArguments });
    worker.unref();
    const slot: Slot = { worker };
    worker.on('message', (reply: Reply) => {
      const busy = slot.busy;
      if (!busy || busy.id !== reply.id) return;
      slot.busy = undefined;
      if (reply.error) {
        const ErrorType = reply.error.input ? InputError : Error;
        busy.pending.reject(new ErrorType(reply.error.message));
      } else {
        busy.pending.resolve(reply.result);
      }
      this.#dispatch();
    });
    const lost = () => {
      const index = this.#slots.indexOf(slot);
      if (index >= 0) this.#slots.splice(index, 1);
      if (this.#closed) return;
      // A worker that cannot run: fall back to in-process work, and redo what it held.
      this.#fallback = true;
      const orphans = [...(slot.busy ? [slot.busy.pending] : []), ...this.#queue.splice(0)];
      slot.busy = undefined;
      for (const orphan of orphans)
        this.#inProcess.run(() => compute(orphan.request)).then(orphan.resolve, orphan.reject);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.#slots.push(slot);
    return slot;
  }
}
