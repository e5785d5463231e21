import { type FileHandle, open, readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@stemkit/core';
import * as z from 'zod/mini';

/** A target of a created task, as recorded: enough to map legacy jobs without asking the provider again. */
export const CreatedTargetSchema = z.object({
  id: z.string(),
  stem: z.string(),
  variant: z.optional(z.string()),
  residual: z.optional(z.boolean()),
  language: z.optional(z.string()),
});
/** See {@link CreatedTargetSchema}. */
export type CreatedTarget = z.infer<typeof CreatedTargetSchema>;

/**
 * One line of the apply journal. `intent` is written (and fsync'd) before a task is created, `created` after;
 * an intent without a `created` is settled on resume by looking the task up on the provider. `rejected` means
 * the provider refused the request (no task exists), so a later run may try again.
 *
 * @example
 * ```ts
 * const record: JournalRecord = { type: 'intent', key: 'm-3f2a…', at: new Date().toISOString() };
 * ```
 */
export const JournalRecordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('begin'), plan: z.string(), at: z.string() }),
  z.object({ type: z.literal('intent'), key: z.string(), at: z.string() }),
  z.object({
    type: z.literal('created'),
    key: z.string(),
    taskId: z.string(),
    targets: z.array(CreatedTargetSchema),
    at: z.string(),
    /** Found on the provider after a crash rather than seen created. */
    reconciled: z.optional(z.boolean()),
  }),
  z.object({ type: z.literal('rejected'), key: z.string(), message: z.string(), at: z.string() }),
]);
/** See {@link JournalRecordSchema}. */
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

/** What the journal says about one plan key. */
export interface KeyState {
  /** The earliest intent not yet followed by a `created` or `rejected`. */
  pendingSince?: string;
  /** The first `created` record of the key: its task id and targets. Once set, the key is done. */
  created?: Extract<JournalRecord, { type: 'created' }>;
  /** The provider's refusal message, until a later intent retries the key. */
  rejected?: string;
}

/**
 * The durable, append-only journal of one apply run and its resumptions: JSONL, one record per line, each
 * write fsync'd before the operation it announces. A line cut short by a kill is dropped on open (it can only
 * be the last one); any other bad line refuses the journal.
 *
 * @example
 * ```ts
 * const journal = await Journal.open('apply.journal.jsonl', plan.id);
 * await journal.append({ type: 'intent', key: 'm-3f2a9c', at: new Date().toISOString() });
 * await journal.close();
 * ```
 */
export class Journal {
  /** The journal file, as given to {@link Journal.open}. */
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #states: Map<string, KeyState>;
  #tail: Promise<void> = Promise.resolve();

  private constructor(path: string, handle: FileHandle, states: Map<string, KeyState>) {
    this.path = path;
    this.#handle = handle;
    this.#states = states;
  }

  /** Opens (or creates) the journal of plan `planId`; a journal of another plan is refused. */
  static async open(path: string, planId: string): Promise<Journal> {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const { records, validLength } = parseJournal(text, path);
    const begin = records.find((record) => record.type === 'begin');
    if (begin && begin.plan !== planId) {
      throw new InvalidArgumentError('journal', `${path} belongs to plan ${begin.plan}, not ${planId}`);
    }
    const handle = await open(path, 'a+');
    // A torn last line is cut off so the next record starts on a line of its own.
    if (validLength < Buffer.byteLength(text)) await handle.truncate(validLength);
    const journal = new Journal(path, handle, new Map());
    for (const record of records) journal.#apply(record);
    if (!begin) await journal.append({ type: 'begin', plan: planId, at: new Date().toISOString() });
    return journal;
  }

  /** The journal's view of one key. */
  state(key: string): KeyState {
    return this.#states.get(key) ?? {};
  }

  /** Every key with an intent but no outcome: the ones to look up on the provider. */
  pending(): Array<{ key: string; since: string }> {
    return [...this.#states.entries()].flatMap(([key, state]) =>
      state.pendingSince && !state.created ? [{ key, since: state.pendingSince }] : [],
    );
  }

  /** Appends one record and fsyncs it; appends are serialised in call order. */
  append(record: JournalRecord): Promise<void> {
    const write = this.#tail.then(async () => {
      await this.#handle.appendFile(`${JSON.stringify(record)}\n`, 'utf8');
      await this.#handle.datasync();
      this.#apply(record);
    });
    this.#tail = write.catch(() => undefined);
    return write;
  }

  /** Waits for the appends in flight, then closes the file. */
  async close(): Promise<void> {
    await this.#tail;
    await this.#handle.close();
  }

  #apply(record: JournalRecord): void {
    if (record.type === 'begin') return;
    const state = this.#states.get(record.key) ?? {};
    if (record.type === 'intent') {
      if (!state.created) state.pendingSince ??= record.at;
      state.rejected = undefined;
    } else if (record.type === 'created') {
      state.created ??= record;
      state.pendingSince = undefined;
    } else {
      state.rejected = record.message;
      state.pendingSince = undefined;
    }
    this.#states.set(record.key, state);
  }
}

/** The records of a journal text, and how many bytes of it are whole lines. */
function parseJournal(text: string, path: string): { records: JournalRecord[]; validLength: number } {
  const records: JournalRecord[] = [];
  const lines = text.split('\n');
  let validLength = 0;
  for (const [index, line] of lines.entries()) {
    const last = index === lines.length - 1;
    if (last && line === '') break;
    const record = parseRecord(line);
    if (!record) {
      // Only the final line, written without its newline when the process died, may be incomplete.
      if (last) break;
      throw new InvalidArgumentError('journal', `${path} line ${index + 1} is not a journal record`);
    }
    if (last) break;
    records.push(record);
    validLength += Buffer.byteLength(line) + 1;
  }
  return { records, validLength };
}

function parseRecord(line: string): JournalRecord | undefined {
  try {
    const parsed = z.safeParse(JournalRecordSchema, JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
