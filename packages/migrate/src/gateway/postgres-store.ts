import pLimit from 'p-limit';
import type pg from 'pg';
import {
  type GatewayAsset,
  type GatewayJob,
  type GatewayStore,
  isFinalStatus,
  referenceOnly,
  statusesBefore,
} from './store.ts';

/**
 * A {@link GatewayStore} on PostgreSQL, which it also holds a connection to: close it after the gateway.
 *
 * @example
 * ```ts
 * const store: PostgresGatewayStore = postgresGatewayStore(process.env.GATEWAY_DATABASE_URL!);
 * ```
 */
export interface PostgresGatewayStore extends GatewayStore {
  /** Ends the store's connections, releasing the jobs whose callbacks this gateway was following. */
  close(): Promise<void>;
}

const SCHEMA = 'stemkit_gateway';
const SETUP = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.assets (id text PRIMARY KEY, record jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.jobs (
  id text PRIMARY KEY,
  record jsonb NOT NULL,
  created_at text NOT NULL,
  owes_callback boolean NOT NULL
);
-- The last callback status claimed (written by claimCallback only, never by a record's put).
ALTER TABLE ${SCHEMA}.jobs ADD COLUMN IF NOT EXISTS callback_status text;
CREATE INDEX IF NOT EXISTS jobs_created_at ON ${SCHEMA}.jobs (created_at);
CREATE INDEX IF NOT EXISTS jobs_owing_callbacks ON ${SCHEMA}.jobs (id) WHERE owes_callback;
`;
// A job's 64-bit advisory lock key, from its id.
const LOCK_KEY = `('x' || substr(md5($1), 1, 16))::bit(64)::bigint`;

/**
 * A store in PostgreSQL, so several gateways behind one load balancer answer for every job any of them handed out
 * (`stemkit gateway --store postgres://…`). Records are written at once, by id; as in the file store, backend
 * assets are kept by reference only, with no signed link, provider payload or credential.
 *
 * Each job's callbacks are followed by one gateway: the one that created it, or, after it stopped, the first to
 * start again or to be asked about the job — a PostgreSQL advisory lock, held on this store's own connection until
 * the job ends, says which. Whoever sends a callback claims it first (`UPDATE … WHERE owes_callback … RETURNING`),
 * so a status seen by several gateways at once is still sent once.
 *
 * @example
 * ```ts
 * const store = postgresGatewayStore('postgres://gateway@db.internal/stemkit');
 * const running = await startGateway({ driver, token, store });
 * // …
 * await running.close();
 * await store.close();
 * ```
 */
export function postgresGatewayStore(url: string): PostgresGatewayStore {
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new RangeError('the store URL must be a postgres:// URL');
  let pool: pg.Pool | undefined;
  // Session-level advisory locks live on one connection: the jobs this gateway follows.
  let locks: pg.Client | undefined;
  let opening: Promise<void> | undefined;
  const following = new Set<string>();
  // One query at a time on the lock connection (pg deprecates overlapping queries on one client).
  const onLockConnection = pLimit(1);

  const db = (): pg.Pool => {
    if (!pool) throw new Error('the gateway store is not open');
    return pool;
  };
  const follow = async (id: string): Promise<boolean> => {
    if (following.has(id)) return true;
    return onLockConnection(async () => {
      if (following.has(id)) return true;
      const { rows } = await (locks as pg.Client).query(
        `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`,
        [id],
      );
      if (rows[0]?.locked !== true) return false;
      following.add(id);
      return true;
    });
  };
  const release = (id: string): Promise<void> =>
    onLockConnection(async () => {
      if (!following.delete(id)) return;
      await (locks as pg.Client).query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [id]);
    });

  const connect = async () => {
    const { default: postgres } = await import('pg');
    pool = new postgres.Pool({ connectionString: url, max: 8 });
    // A dropped idle connection is the pool's to replace, not the process's to die of.
    pool.on('error', () => undefined);
    locks = new postgres.Client({ connectionString: url });
    locks.on('error', () => undefined);
    await locks.connect();
    for (let attempt = 0; ; attempt++) {
      try {
        await pool.query(SETUP);
        return;
      } catch (error) {
        // 23505 / 42P07: another gateway created the same object a moment before.
        const code = (error as { code?: string }).code;
        if (attempt >= 3 || (code !== '23505' && code !== '42P07')) throw error;
      }
    }
  };

  return {
    /** Connects and creates the tables, once: the command opens it early to fail before listening. */
    open() {
      opening ??= connect();
      return opening;
    },
    async getAsset(id) {
      const { rows } = await db().query(`SELECT record FROM ${SCHEMA}.assets WHERE id = $1`, [id]);
      return rows[0]?.record as GatewayAsset | undefined;
    },
    async putAsset(asset) {
      const record = { ...asset, source: referenceOnly(asset.source) };
      await db().query(
        `INSERT INTO ${SCHEMA}.assets (id, record) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record`,
        [asset.id, record],
      );
    },
    async getJob(id) {
      const { rows } = await db().query(`SELECT record FROM ${SCHEMA}.jobs WHERE id = $1`, [id]);
      return rows[0]?.record as GatewayJob | undefined;
    },
    async putJob(job) {
      const owes = job.callbackUrl !== undefined;
      // What the job owes is set when it is made; afterwards only claimCallback changes it.
      const { rows } = await db().query(
        `INSERT INTO ${SCHEMA}.jobs (id, record, created_at, owes_callback) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record
         RETURNING (xmax = 0) AS inserted`,
        [job.id, job, job.createdAt, owes],
      );
      // The gateway that creates a job follows its callbacks; it lets go once the job has ended.
      if (owes && rows[0]?.inserted === true) await follow(job.id);
    },
    async claimCallback(id, status) {
      // One UPDATE: PostgreSQL's row lock makes a second claimant re-read the row and find it claimed.
      const { rowCount } = await db().query(
        `UPDATE ${SCHEMA}.jobs SET callback_status = $2, owes_callback = $3
         WHERE id = $1 AND owes_callback AND (callback_status IS NULL OR callback_status = ANY($4::text[]))
         RETURNING id`,
        [id, status, !isFinalStatus(status), statusesBefore(status)],
      );
      // Nothing more to follow once the job's last status is someone's to send.
      if (isFinalStatus(status)) await release(id);
      return rowCount === 1;
    },
    claimFollowing: (id) => follow(id),
    async countJobs(from, to) {
      const { rows } = await db().query(
        `SELECT count(*)::int AS count FROM ${SCHEMA}.jobs WHERE created_at >= $1 AND created_at < $2`,
        [from, to],
      );
      return Number(rows[0]?.count ?? 0);
    },
    async jobsOwingCallbacks() {
      const { rows } = await db().query(`SELECT record FROM ${SCHEMA}.jobs WHERE owes_callback ORDER BY id`);
      const owed: GatewayJob[] = [];
      // Only those no other running gateway follows.
      for (const { record } of rows as Array<{ record: GatewayJob }>) {
        if (await follow(record.id)) owed.push(record);
      }
      return owed;
    },
    async flush() {},
    async close() {
      following.clear();
      await Promise.all([locks?.end(), pool?.end()]);
      locks = undefined;
      pool = undefined;
    },
  };
}
