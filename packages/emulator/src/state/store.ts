import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cuid } from '../ids.ts';
import type { EmulatorState } from './records.ts';

function emptyState(): EmulatorState {
  return {
    version: 1,
    secret: randomBytes(32).toString('hex'),
    clientId: cuid(),
    sourcereUploads: {},
    separations: {},
    legacyAssets: {},
    legacyJobs: {},
    tasksAssets: {},
    tasks: {},
  };
}

/**
 * The state, in memory, written to `<dataDir>/state.json` shortly after each change (coalesced, written to a
 * temporary file and renamed, so a crash never leaves half a file) and read back on start.
 */
export class Store {
  readonly state: EmulatorState;
  readonly #path: string;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;

  readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    mkdirSync(dataDir, { recursive: true });
    this.#path = join(dataDir, 'state.json');
    this.state = existsSync(this.#path)
      ? { ...emptyState(), ...(JSON.parse(readFileSync(this.#path, 'utf8')) as EmulatorState) }
      : emptyState();
    if (!existsSync(this.#path)) this.changed();
  }

  /** Marks the state changed; it is written within a few milliseconds. */
  changed(): void {
    this.#dirty = true;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, 20);
  }

  /** Writes pending changes now. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (!this.#dirty) return this.#writing;
    this.#dirty = false;
    const text = JSON.stringify(this.state);
    this.#writing = this.#writing.then(async () => {
      const temporary = `${this.#path}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, this.#path);
    });
    return this.#writing;
  }
}
