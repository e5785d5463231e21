import { createHash } from 'node:crypto';
import type { JobHandle } from '@stemkit/core';
import type { TrackRequest } from './items.ts';

/** What pg-boss hands out for SQL: its own pool on PostgreSQL, the PGlite adapter in-process. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/**
 * Where a track is. `queued` → `uploading` → `creating` (the provider job is being started; a crash here leaves
 * an intent the next attempt settles) → `running` (its handle is recorded) → `downloading` → `done` | `failed`.
 */
export type TrackState = 'queued' | 'uploading' | 'creating' | 'running' | 'downloading' | 'done' | 'failed';

/** One file a track wrote, recorded once it was renamed into place. */
export interface TrackOutput {
  /** The stem (or model) it is an output of. */
  readonly stem: string;
  /** Its format, e.g. `wav`. */
  readonly format: string;
  /** Where it is, relative to the batch's output folder. */
  readonly path: string;
  /** Its size in bytes. */
  readonly sizeBytes: number;
}

/** A track's ledger row. */
export interface TrackRow {
  readonly batch: string;
  readonly key: string;
  readonly position: number;
  readonly request: TrackRequest;
  readonly state: TrackState;
  readonly attempt: number | null;
  readonly intentAt: Date | null;
  readonly handle: JobHandle | null;
  readonly jobId: string | null;
  readonly outputs: readonly TrackOutput[];
  readonly error: string | null;
  /** Starts whose outcome was lost (a crash between the request and its answer) on a provider that cannot list. */
  readonly uncertainStarts: number;
  readonly revision: number;
}

/** A batch's ledger row. */
export interface BatchRow {
  readonly id: string;
  readonly provider: string;
  readonly out: string;
}

const SCHEMA = 'stemkit_batch';

const SETUP = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE SEQUENCE IF NOT EXISTS ${SCHEMA}.revision;
CREATE TABLE IF NOT EXISTS ${SCHEMA}.batches (
  id text PRIMARY KEY,
  provider text NOT NULL,
  out text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.tracks (
  batch text NOT NULL REFERENCES ${SCHEMA}.batches (id),
  key text NOT NULL,
  position bigserial,
  request jsonb NOT NULL,
  state text NOT NULL DEFAULT 'queued',
  attempt integer,
  intent_at timestamptz,
  handle jsonb,
  job_id text,
  outputs jsonb NOT NULL DEFAULT '[]',
  error text,
  uncertain_starts integer NOT NULL DEFAULT 0,
  revision bigint NOT NULL DEFAULT nextval('${SCHEMA}.revision'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch, key)
);
CREATE INDEX IF NOT EXISTS tracks_updated ON ${SCHEMA}.tracks (batch, updated_at);
`;

// Every write moves the row's revision and time, so followers see it.
const TOUCH = `revision = nextval('${SCHEMA}.revision'), updated_at = now()`;
const COLUMNS = `batch, key, position, request, state, attempt, intent_at, handle, job_id, outputs, error,
  uncertain_starts, revision`;

function toRow(row: Record<string, unknown>): TrackRow {
  const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
  return {
    batch: String(row.batch),
    key: String(row.key),
    position: Number(row.position),
    request: json(row.request) as TrackRequest,
    state: row.state as TrackState,
    attempt: row.attempt === null ? null : Number(row.attempt),
    intentAt: row.intent_at ? new Date(row.intent_at as string | Date) : null,
    handle: (json(row.handle) as JobHandle | null) ?? null,
    jobId: row.job_id === null ? null : String(row.job_id),
    outputs: (json(row.outputs) as TrackOutput[] | null) ?? [],
    error: row.error === null ? null : String(row.error),
    uncertainStarts: Number(row.uncertain_starts),
    revision: Number(row.revision),
  };
}

/** The ledger: one row per batch and one per track, in the same database as the queue. */
export class Ledger {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  /** Creates the tables; several workers starting at once on a fresh database may race, so it retries. */
  async setup(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#db.executeSql(SETUP);
        return;
      } catch (error) {
        // 23505 / 42P07: another process created the same object a moment before.
        const code = (error as { code?: string }).code;
        if (attempt >= 3 || (code !== '23505' && code !== '42P07')) throw error;
      }
    }
  }

  /** Records a batch, or returns the one recorded under that id. */
  async openBatch(batch: BatchRow): Promise<BatchRow> {
    await this.#db.executeSql(
      `INSERT INTO ${SCHEMA}.batches (id, provider, out) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
      [batch.id, batch.provider, batch.out],
    );
    return (await this.batch(batch.id)) as BatchRow;
  }

  async batch(id: string): Promise<BatchRow | undefined> {
    const { rows } = await this.#db.executeSql(
      `SELECT id, provider, out FROM ${SCHEMA}.batches WHERE id = $1`,
      [id],
    );
    return rows[0] as BatchRow | undefined;
  }

  /** Adds tracks not yet in the ledger (a resumed batch keeps what it had); returns the keys that are new. */
  async addTracks(
    batch: string,
    tracks: ReadonlyArray<{ key: string; request: TrackRequest }>,
  ): Promise<string[]> {
    if (tracks.length === 0) return [];
    const { rows } = await this.#db.executeSql(
      `INSERT INTO ${SCHEMA}.tracks (batch, key, request)
       SELECT $1, item->>'key', item->'request' FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(item, n)
       ORDER BY n
       ON CONFLICT (batch, key) DO NOTHING RETURNING key`,
      [batch, JSON.stringify(tracks)],
    );
    return rows.map((row) => String(row.key));
  }

  /** Which of `keys` the ledger already has for the batch. */
  async known(batch: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await this.#db.executeSql(
      `SELECT key FROM ${SCHEMA}.tracks WHERE batch = $1 AND key IN (SELECT jsonb_array_elements_text($2::jsonb))`,
      [batch, JSON.stringify(keys)],
    );
    return new Set(rows.map((row) => String(row.key)));
  }

  /** Ends a queued track as done with files found in place, without a provider job (an adopted output). */
  async adopt(batch: string, key: string, outputs: readonly TrackOutput[]): Promise<void> {
    await this.#db.executeSql(
      `UPDATE ${SCHEMA}.tracks SET state = 'done', outputs = $3::jsonb, error = NULL, ${TOUCH}
       WHERE batch = $1 AND key = $2 AND state = 'queued' AND handle IS NULL`,
      [batch, key, JSON.stringify(outputs)],
    );
  }

  async track(batch: string, key: string): Promise<TrackRow | undefined> {
    const { rows } = await this.#db.executeSql(
      `SELECT ${COLUMNS} FROM ${SCHEMA}.tracks WHERE batch = $1 AND key = $2`,
      [batch, key],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Moves an unfinished track to a working state. */
  async setState(batch: string, key: string, state: TrackState): Promise<void> {
    await this.#db.executeSql(
      `UPDATE ${SCHEMA}.tracks SET state = $3, ${TOUCH}
       WHERE batch = $1 AND key = $2 AND state NOT IN ('done', 'failed')`,
      [batch, key, state],
    );
  }

  /**
   * Records the intent to start the provider job, fenced by the attempt: only if no handle is recorded and no
   * later attempt has taken the track. Returns false when this attempt must stop.
   */
  async intend(batch: string, key: string, attempt: number): Promise<boolean> {
    const { rows } = await this.#db.executeSql(
      `UPDATE ${SCHEMA}.tracks SET state = 'creating', attempt = $3, intent_at = now(), ${TOUCH}
       WHERE batch = $1 AND key = $2 AND handle IS NULL AND coalesce(attempt, -1) <= $3
         AND state NOT IN ('done', 'failed')
       RETURNING key`,
      [batch, key, attempt],
    );
    return rows.length === 1;
  }

  /**
   * Takes back the intent of an attempt whose start the provider refused (no job exists), so that the next
   * attempt does not count it as uncertain.
   */
  async withdrawIntent(batch: string, key: string, attempt: number): Promise<void> {
    await this.#db.executeSql(
      `UPDATE ${SCHEMA}.tracks SET state = 'uploading', intent_at = NULL, ${TOUCH}
       WHERE batch = $1 AND key = $2 AND handle IS NULL AND attempt = $3 AND state = 'creating'`,
      [batch, key, attempt],
    );
  }

  /** Counts a start whose outcome was lost on a provider that cannot be searched for it. */
  async countUncertainStart(batch: string, key: string): Promise<void> {
    await this.#db.executeSql(
      `UPDATE ${SCHEMA}.tracks SET uncertain_starts = uncertain_starts + 1, ${TOUCH}
       WHERE batch = $1 AND key = $2`,
      [batch, key],
    );
  }

  /** Records the provider job's handle (before anything waits on it), fenced like {@link intend}. */
  async recordHandle(batch: string, key: string, attempt: number, handle: JobHandle, jobId: string) {
    const { rows } = await this.#db.executeSql(
      `UPDATE ${SCHEMA}.tracks SET state = 'running', handle = $4::jsonb, job_id = $5, ${TOUCH}
       WHERE batch = $1 AND key = $2 AND handle IS NULL AND attempt = $3 RETURNING key`,
      [batch, key, attempt, JSON.stringify(handle), jobId],
    );
    return rows.length === 1;
  }

  /** Records one output file, once it is in place under its final name. */
  async recordOutput(batch: string, key: string, output: TrackOutput): Promise<void> {
    await this.#db.executeSql(
      `UPDATE ${SCHEMA}.tracks
       SET outputs = coalesce(
           (SELECT jsonb_agg(o) FROM jsonb_array_elements(outputs) o WHERE o->>'path' <> $3::jsonb->>'path'),
           '[]'::jsonb) || jsonb_build_array($3::jsonb), ${TOUCH}
       WHERE batch = $1 AND key = $2`,
      [batch, key, JSON.stringify(output)],
    );
  }

  /** Ends a track: `done`, or `failed` with its reason. A track already ended stays as it is. */
  async settle(batch: string, key: string, state: 'done' | 'failed', error: string | null): Promise<void> {
    await this.#db.executeSql(
      `UPDATE ${SCHEMA}.tracks SET state = $3, error = $4, ${TOUCH}
       WHERE batch = $1 AND key = $2 AND state NOT IN ('done', 'failed')`,
      [batch, key, state, error],
    );
  }

  /** Keeps the reason of a failed attempt that will be retried, for the report should it be the last. */
  async noteError(batch: string, key: string, error: string): Promise<void> {
    await this.#db.executeSql(
      `UPDATE ${SCHEMA}.tracks SET error = $3, ${TOUCH} WHERE batch = $1 AND key = $2 AND state NOT IN ('done', 'failed')`,
      [batch, key, error],
    );
  }

  /**
   * Tracks changed since `since` (the database's clock), with the database's time now. Followers pass back the
   * time they got minus a margin, so a write that committed late is still seen; they dedupe by revision.
   */
  async changes(batch: string, since: Date | undefined): Promise<{ rows: TrackRow[]; now: Date }> {
    const { rows } = await this.#db.executeSql(
      `SELECT ${COLUMNS}, now() AS now FROM ${SCHEMA}.tracks
       WHERE batch = $1 AND updated_at >= $2 ORDER BY position`,
      [batch, (since ?? new Date(0)).toISOString()],
    );
    const now = rows[0]?.now ? new Date(rows[0].now as string | Date) : await this.#now();
    return { rows: rows.map(toRow), now };
  }

  /** Every track of a batch, in the order they were added. */
  async tracks(batch: string): Promise<TrackRow[]> {
    const { rows } = await this.#db.executeSql(
      `SELECT ${COLUMNS} FROM ${SCHEMA}.tracks WHERE batch = $1 ORDER BY position`,
      [batch],
    );
    return rows.map(toRow);
  }

  /** Keys of the tracks not yet ended. */
  async unfinished(batch: string): Promise<string[]> {
    const { rows } = await this.#db.executeSql(
      `SELECT key FROM ${SCHEMA}.tracks WHERE batch = $1 AND state NOT IN ('done', 'failed') ORDER BY position`,
      [batch],
    );
    return rows.map((row) => String(row.key));
  }

  async #now(): Promise<Date> {
    const { rows } = await this.#db.executeSql('SELECT now() AS now');
    return new Date(rows[0]?.now as string | Date);
  }
}

/**
 * The queue job id of a track: a UUID derived from batch and key, so enqueuing a track twice (a resumed batch,
 * two enqueuers) is a no-op in pg-boss (`ON CONFLICT DO NOTHING` on the id).
 */
export function trackJobId(batch: string, key: string): string {
  const hex = createHash('sha256').update(`${batch}\0${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What the provider job of a track carries in its `metadata`, so an interrupted start can be found again. */
export function trackMarker(batch: string, key: string): string {
  const hash = createHash('sha256').update(`${batch}\0${key}`).digest('hex').slice(0, 32);
  return JSON.stringify({ stemkitBatch: hash });
}
