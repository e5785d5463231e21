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
  /** When it last changed, in ms since the epoch (the database's clock). */
  readonly updatedAt: number;
}

/** A batch's ledger row: what every track shares, so track rows hold only what differs. */
export interface BatchRow {
  readonly id: string;
  readonly provider: string;
  readonly out: string;
  /** Stems of tracks that name none (null in a ledger written before batches recorded them). */
  readonly stems?: readonly string[] | null;
  /** Formats of tracks that name none. */
  readonly formats?: readonly string[] | null;
  /** The input whose intake completed, as `BatchInput.fingerprint` names it (null until one did). */
  readonly intake?: string | null;
}

/** A track as intake adds it: its key (the output name), its source, and stems or formats only where they differ from the batch's. */
export interface NewTrack {
  readonly key: string;
  readonly source: string;
  readonly stems?: readonly string[];
  readonly formats?: readonly string[];
  /** Also each stem's residual (only when asked). */
  readonly residual?: boolean;
  /** The provider's model variant (only when asked). */
  readonly variant?: string;
}

/** Tracks per state, kept by the database as tracks move (triggers), so counting costs no scan. */
export type StateCounts = Partial<Record<TrackState, number>>;

const SCHEMA = 'stemkit_batch';
/** Rows read per statement when a batch is read whole. */
const PAGE = 1_000;

/** The ledger's tables, indexes and triggers, created or brought up to date (idempotent, one setup at a time). */
export const LEDGER_SETUP = `
BEGIN;
-- One setup at a time (workers starting together on a fresh database); PGlite has one connection anyway.
SELECT pg_advisory_xact_lock(hashtext('${SCHEMA}.setup'));
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
CREATE TABLE IF NOT EXISTS ${SCHEMA}.meta (key text PRIMARY KEY, value text NOT NULL);
DO $migrate$
BEGIN
  IF EXISTS (SELECT 1 FROM ${SCHEMA}.meta WHERE key = 'version' AND value::int >= 2) THEN RETURN; END IF;
  -- Version 2: the batch holds the options its tracks share; counts kept per state; indexes for intake,
  -- resume and the report that read no more rows than they return.
  ALTER TABLE ${SCHEMA}.batches ADD COLUMN IF NOT EXISTS stems jsonb,
    ADD COLUMN IF NOT EXISTS formats jsonb, ADD COLUMN IF NOT EXISTS intake text;
  CREATE UNIQUE INDEX IF NOT EXISTS tracks_position ON ${SCHEMA}.tracks (batch, position);
  CREATE INDEX IF NOT EXISTS tracks_unfinished ON ${SCHEMA}.tracks (batch, position)
    WHERE state NOT IN ('done', 'failed');
  -- Followers read moves, never the queued rows intake writes by the thousand.
  CREATE INDEX IF NOT EXISTS tracks_moved ON ${SCHEMA}.tracks (batch, updated_at) WHERE state <> 'queued';
  DROP INDEX IF EXISTS ${SCHEMA}.tracks_updated;
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.counts (
    batch text NOT NULL, state text NOT NULL, tracks bigint NOT NULL, PRIMARY KEY (batch, state));
  CREATE OR REPLACE FUNCTION ${SCHEMA}.count_inserted() RETURNS trigger LANGUAGE plpgsql AS $count$
  BEGIN
    INSERT INTO ${SCHEMA}.counts AS c (batch, state, tracks)
      SELECT batch, state, count(*) FROM added GROUP BY batch, state ORDER BY batch, state
    ON CONFLICT (batch, state) DO UPDATE SET tracks = c.tracks + excluded.tracks;
    RETURN NULL;
  END $count$;
  -- A row trigger that fires only when a track's state changes (PostgreSQL tests the WHEN clause without
  -- calling the function): most ledger writes (outputs, errors, handles) cost nothing more. The two count rows
  -- are locked in one order (by state), so two writers cannot deadlock on them.
  CREATE OR REPLACE FUNCTION ${SCHEMA}.count_moved() RETURNS trigger LANGUAGE plpgsql AS $count$
  BEGIN
    INSERT INTO ${SCHEMA}.counts AS c (batch, state, tracks)
      SELECT NEW.batch, moved.state, moved.change
      FROM (VALUES (OLD.state, -1), (NEW.state, 1)) AS moved(state, change) ORDER BY moved.state
    ON CONFLICT (batch, state) DO UPDATE SET tracks = c.tracks + excluded.tracks;
    RETURN NULL;
  END $count$;
  DROP TRIGGER IF EXISTS tracks_counted_insert ON ${SCHEMA}.tracks;
  CREATE TRIGGER tracks_counted_insert AFTER INSERT ON ${SCHEMA}.tracks
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.count_inserted();
  DROP TRIGGER IF EXISTS tracks_counted_update ON ${SCHEMA}.tracks;
  CREATE TRIGGER tracks_counted_update AFTER UPDATE OF state ON ${SCHEMA}.tracks
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION ${SCHEMA}.count_moved();
  DELETE FROM ${SCHEMA}.counts;
  INSERT INTO ${SCHEMA}.counts (batch, state, tracks)
    SELECT batch, state, count(*) FROM ${SCHEMA}.tracks GROUP BY batch, state;
  INSERT INTO ${SCHEMA}.meta (key, value) VALUES ('version', '2')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
END $migrate$;
COMMIT;
`;

// Every write moves the row's revision and time, so followers see it.
const TOUCH = `revision = nextval('${SCHEMA}.revision'), updated_at = now()`;
// A track's request is its row's differences over the batch's shared options (a row written before
// batches held them carries them all).
const COLUMNS = `t.batch, t.key, t.position, t.request, t.state, t.attempt, t.intent_at, t.handle, t.job_id,
  t.outputs, t.error, t.uncertain_starts, t.revision, t.updated_at, b.stems AS batch_stems, b.formats AS batch_formats`;
const FROM = `${SCHEMA}.tracks t JOIN ${SCHEMA}.batches b ON b.id = t.batch`;

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

function toRow(row: Record<string, unknown>): TrackRow {
  const stored = json(row.request) as Partial<TrackRequest> & { source: string };
  const request: TrackRequest = {
    source: stored.source,
    name: String(row.key),
    stems: (stored.stems ?? json(row.batch_stems) ?? []) as TrackRequest['stems'],
    formats: (stored.formats ?? json(row.batch_formats) ?? ['wav']) as TrackRequest['formats'],
    ...(stored.residual ? { residual: true } : {}),
    ...(stored.variant === undefined ? {} : { variant: stored.variant }),
  };
  return {
    batch: String(row.batch),
    key: String(row.key),
    position: Number(row.position),
    request,
    state: row.state as TrackState,
    attempt: row.attempt === null ? null : Number(row.attempt),
    intentAt: row.intent_at ? new Date(row.intent_at as string | Date) : null,
    handle: (json(row.handle) as JobHandle | null) ?? null,
    jobId: row.job_id === null ? null : String(row.job_id),
    outputs: (json(row.outputs) as TrackOutput[] | null) ?? [],
    error: row.error === null ? null : String(row.error),
    uncertainStarts: Number(row.uncertain_starts),
    revision: Number(row.revision),
    updatedAt: new Date(row.updated_at as string | Date).getTime(),
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
        await this.#db.executeSql(LEDGER_SETUP);
        return;
      } catch (error) {
        // 23505 / 42P07: another process created the same object a moment before.
        const code = (error as { code?: string }).code;
        if (attempt >= 3 || (code !== '23505' && code !== '42P07')) throw error;
      }
    }
  }

  /**
   * Records a batch, or returns the one recorded under that id. Its stems and formats are those of its first
   * run (or of this one, on a batch recorded before batches held them).
   */
  async openBatch(batch: BatchRow): Promise<BatchRow> {
    await this.#db.executeSql(
      `INSERT INTO ${SCHEMA}.batches (id, provider, out, stems, formats) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)
       ON CONFLICT (id) DO UPDATE SET stems = coalesce(batches.stems, excluded.stems),
         formats = coalesce(batches.formats, excluded.formats)`,
      [
        batch.id,
        batch.provider,
        batch.out,
        batch.stems ? JSON.stringify(batch.stems) : null,
        batch.formats ? JSON.stringify(batch.formats) : null,
      ],
    );
    return (await this.batch(batch.id)) as BatchRow;
  }

  async batch(id: string): Promise<BatchRow | undefined> {
    const { rows } = await this.#db.executeSql(
      `SELECT id, provider, out, stems, formats, intake FROM ${SCHEMA}.batches WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: String(row.id),
      provider: String(row.provider),
      out: String(row.out),
      stems: json(row.stems) ?? null,
      formats: json(row.formats) ?? null,
      intake: row.intake === null || row.intake === undefined ? null : String(row.intake),
    };
  }

  /** Records that the intake of `input` (its fingerprint) completed: a rerun on the same input reads no row of it. */
  async completeIntake(batch: string, input: string): Promise<void> {
    await this.#db.executeSql(`UPDATE ${SCHEMA}.batches SET intake = $2 WHERE id = $1`, [batch, input]);
  }

  /**
   * Adds tracks not yet in the ledger, in one statement (a resumed batch keeps what it had); returns the keys
   * that are new.
   */
  async addTracks(batch: string, tracks: readonly NewTrack[]): Promise<string[]> {
    if (tracks.length === 0) return [];
    const { rows } = await this.#db.executeSql(
      `INSERT INTO ${SCHEMA}.tracks (batch, key, request)
       SELECT $1, item->>'key', item - 'key' FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(item, n)
       ORDER BY n
       ON CONFLICT (batch, key) DO NOTHING RETURNING key`,
      [batch, JSON.stringify(tracks)],
    );
    return rows.map((row) => String(row.key));
  }

  /** Tracks per state, from the counts the database keeps. */
  async counts(batch: string): Promise<StateCounts> {
    const { rows } = await this.#db.executeSql(
      `SELECT state, tracks FROM ${SCHEMA}.counts WHERE batch = $1`,
      [batch],
    );
    return Object.fromEntries(rows.map((row) => [String(row.state), Number(row.tracks)]));
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
      `SELECT ${COLUMNS} FROM ${FROM} WHERE t.batch = $1 AND t.key = $2`,
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
   * Tracks that moved (left `queued`) since `since` (the database's clock), with the database's time now.
   * Followers pass back the time they got minus a margin, so a write that committed late is still seen; they
   * dedupe by revision. Queued rows are not read: intake writes them by the thousand, and counts cover them.
   */
  async changes(batch: string, since: Date | undefined): Promise<{ rows: TrackRow[]; now: Date }> {
    const now = await this.now();
    const { rows } = await this.#db.executeSql(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE t.batch = $1 AND t.updated_at >= $2 AND t.state <> 'queued' ORDER BY t.updated_at, t.position`,
      [batch, (since ?? new Date(0)).toISOString()],
    );
    return { rows: rows.map(toRow), now };
  }

  /**
   * The tracks of a batch after `position`, in the order they were added, a page at a time: every track, or
   * only the finished ones (`done` or `failed`), or only the unfinished ones, each through its index.
   */
  async page(
    batch: string,
    which: 'all' | 'finished' | 'unfinished',
    after: number,
    limit: number,
  ): Promise<TrackRow[]> {
    const filter =
      which === 'finished'
        ? `AND t.state IN ('done', 'failed')`
        : which === 'unfinished'
          ? `AND t.state NOT IN ('done', 'failed')`
          : '';
    const { rows } = await this.#db.executeSql(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE t.batch = $1 AND t.position > $2 ${filter}
       ORDER BY t.position LIMIT $3`,
      [batch, after, limit],
    );
    return rows.map(toRow);
  }

  /** Every track of a batch (or the finished ones), in the order they were added, read a page at a time. */
  async *each(batch: string, which: 'all' | 'finished' | 'unfinished' = 'all'): AsyncGenerator<TrackRow> {
    for (let after = 0; ; ) {
      const rows = await this.page(batch, which, after, PAGE);
      yield* rows;
      if (rows.length < PAGE) return;
      after = (rows.at(-1) as TrackRow).position;
    }
  }

  /** Every track of a batch, in the order they were added (for small batches and tests: it holds them all). */
  async tracks(batch: string): Promise<TrackRow[]> {
    const rows: TrackRow[] = [];
    for await (const row of this.each(batch)) rows.push(row);
    return rows;
  }

  /** The database's time. */
  async now(): Promise<Date> {
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
