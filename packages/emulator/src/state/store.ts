import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cuid } from '../ids.ts';
import type { EmulatorState, StateRecordKey } from './records.ts';

/**
 * A record of things by id, with no prototype: an id a client sends (`__proto__`, `constructor`) finds nothing
 * rather than one of Object.prototype's members.
 */
export function dictionary<Value>(entries: Record<string, Value> = {}): Record<string, Value> {
  return Object.assign(Object.create(null) as Record<string, Value>, entries);
}

/**
 * The state as read from `state.json` (or new), each record by id the emulated APIs declare a
 * {@link dictionary}.
 */
function stateOf(records: readonly StateRecordKey[], saved: Partial<EmulatorState> = {}): EmulatorState {
  const state = {
    ...saved,
    version: 1,
    secret: saved.secret ?? randomBytes(32).toString('hex'),
    clientId: saved.clientId ?? cuid(),
  } as EmulatorState;
  for (const key of records)
    (state as unknown as Record<string, unknown>)[key] = dictionary<object>(saved[key]);
  // A separation's derived outputs are a record by id too.
  for (const separation of Object.values(state.separations ?? {}))
    separation.derived = dictionary(separation.derived);
  return state;
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

  /** `records`: the records by id the emulated APIs keep (each API's `records`). */
  constructor(dataDir: string, records: readonly StateRecordKey[]) {
    this.dataDir = dataDir;
    mkdirSync(dataDir, { recursive: true });
    this.#path = join(dataDir, 'state.json');
    this.state = stateOf(
      records,
      existsSync(this.#path) ? (JSON.parse(readFileSync(this.#path, 'utf8')) as EmulatorState) : undefined,
    );
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
