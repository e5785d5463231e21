import { InputError } from './errors.ts';
import type { ModelOutput, ModelRequest } from './models.ts';
import type { ComputePool } from './pool.ts';

/** What one model run produced. */
export interface ModelResult {
  outputs: ModelOutput[];
  /** The source's duration, in seconds. */
  duration: number;
}

interface Waiting {
  request: ModelRequest;
  resolve(result: ModelResult): void;
  reject(error: Error): void;
}

interface Gathering {
  waiting: Waiting[];
  timer: ReturnType<typeof setTimeout>;
  deadline: number;
}

/** How long a batch waits for one more model on the same source, and at most in all (real milliseconds). */
const QUIET_MS = 50;
const LONGEST_MS = 500;

/**
 * Gathers model runs on the same source file into one computation: the audio is decoded once and separated once
 * for all of them. A Tasks task starts its targets together; the legacy API gets one job per stem, created one
 * after another, so a batch waits until no new run has come for its source for a moment (at most half a second).
 */
export class ModelBatcher {
  readonly #compute: ComputePool;
  readonly #gathering = new Map<string, Gathering>();

  constructor(compute: ComputePool) {
    this.#compute = compute;
  }

  /** Runs one model on the file at `path`, with the others asked for on the same file meanwhile. */
  run(path: string, request: ModelRequest): Promise<ModelResult> {
    return new Promise((resolve, reject) => {
      const now = Date.now();
      const gathering = this.#gathering.get(path);
      if (gathering) clearTimeout(gathering.timer);
      const deadline = gathering?.deadline ?? now + LONGEST_MS;
      const waiting = [...(gathering?.waiting ?? []), { request, resolve, reject }];
      const timer = setTimeout(() => this.#start(path), Math.max(0, Math.min(QUIET_MS, deadline - now)));
      this.#gathering.set(path, { waiting, timer, deadline });
    });
  }

  async #start(path: string): Promise<void> {
    const waiting = this.#gathering.get(path)?.waiting ?? [];
    this.#gathering.delete(path);
    try {
      const { runs, duration } = await this.#compute.run({
        operation: 'models',
        path,
        requests: waiting.map((each) => each.request),
      });
      waiting.forEach((each, index) => {
        const run = runs[index];
        if (run && 'outputs' in run) each.resolve({ outputs: run.outputs, duration });
        else
          each.reject(
            run?.error.input ? new InputError(run.error.message) : new Error(run?.error.message ?? 'failed'),
          );
      });
    } catch (error) {
      for (const each of waiting) each.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
