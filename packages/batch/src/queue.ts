import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { ConnectionError, InvalidArgumentError, type Logger, redact } from '@stemkit/core';
import pg from 'pg';
import { fromPglite, PgBoss } from 'pg-boss';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterQueue } from 'rate-limiter-flexible';
import { lockDirectory } from './directory-lock.ts';
import { LEDGER_SETUP, Ledger } from './ledger.ts';
import { aboutToSend } from './sending.ts';

/**
 * Where a batch's queue and ledger live: a PostgreSQL URL (shared by every machine that runs workers), or a
 * folder for the embedded engine (PGlite, in this process only).
 *
 * @example
 * ```ts
 * const shared: BatchQueueOptions = { url: 'postgres://stemkit@db.internal/stemkit' };
 * const local: BatchQueueOptions = { directory: 'stems/.stemkit-batch' };
 * ```
 */
export interface BatchQueueOptions {
  /** A `postgres://` URL: the queue is shared by every process that opens it. */
  readonly url?: string;
  /** A folder for the embedded queue (created if missing); one process at a time may open it. */
  readonly directory?: string;
  /** Gets the engine's warnings and errors (secrets masked). Default: silent. */
  readonly logger?: Logger;
}

/**
 * Options of {@link BatchQueue.rateLimitedFetch}.
 *
 * @example
 * ```ts
 * const options: RateLimitOptions = { requestsPerSecond: 50, key: 'audioshake:3f2a9c', origins: ['https://api.audioshake.ai'] };
 * ```
 */
export interface RateLimitOptions {
  /** Requests per second allowed to the provider account, across every process sharing the queue. */
  readonly requestsPerSecond: number;
  /** Names the provider account (never the credential itself: hash it), so each account has its own budget. */
  readonly key: string;
  /**
   * Origins whose requests count (the provider's API); others — signed storage links — pass freely.
   * Default: every request counts.
   */
  readonly origins?: readonly string[];
  /** The fetch to wrap (default: the global one). */
  readonly fetch?: typeof globalThis.fetch;
}

/** How often workers look for queued tracks. */
const POLL_SECONDS = 0.5;

/**
 * An open batch queue: pg-boss over PostgreSQL or over PGlite in this process, plus the ledger beside it. The
 * same code runs a batch on either; only where the database is differs. Close it when done.
 *
 * @example
 * ```ts
 * const queue = await openBatchQueue({ url: process.env.STEMKIT_QUEUE });
 * try {
 *   // enqueue tracks, run workers
 * } finally {
 *   await queue.close();
 * }
 * ```
 */
export class BatchQueue {
  /** `postgres` when shared through a server, `embedded` when PGlite runs in this process. */
  readonly kind: 'postgres' | 'embedded';
  /** @internal */
  readonly boss: PgBoss;
  /** @internal */
  readonly ledger: Ledger;
  readonly #close: () => Promise<void>;
  readonly #pool: pg.Pool | undefined;
  readonly #queues = new Set<string>();

  /** @internal */
  constructor(parts: {
    kind: 'postgres' | 'embedded';
    boss: PgBoss;
    ledger: Ledger;
    pool?: pg.Pool;
    close: () => Promise<void>;
  }) {
    this.kind = parts.kind;
    this.boss = parts.boss;
    this.ledger = parts.ledger;
    this.#pool = parts.pool;
    this.#close = parts.close;
  }

  /**
   * A `fetch` that spaces the requests to the provider's API so that at most `requestsPerSecond` go out in any
   * second — across every process on this queue when it is on PostgreSQL (rate-limiter-flexible's Postgres
   * store; the machines' clocks must agree, as NTP keeps them), within this process when embedded. Pass it to
   * the driver: `audioshakeTasks({ apiKey, fetch })`.
   *
   * @example
   * ```ts
   * const fetch = queue.rateLimitedFetch({ requestsPerSecond: 50, key: 'audioshake:3f2a9c' });
   * const stemkit = createStemkit({ driver: audioshakeTasks({ apiKey, fetch }) });
   * ```
   */
  rateLimitedFetch(options: RateLimitOptions): typeof globalThis.fetch {
    const { requestsPerSecond } = options;
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
      throw new InvalidArgumentError('requestsPerSecond', 'must be a positive number');
    }
    // One request per slot, slots a whole number of milliseconds long: a bucket of N would let 2N through in a
    // provider's one-second window that straddles two of ours.
    const slot = { points: 1, duration: Math.ceil(1000 / requestsPerSecond) / 1000 };
    let limiter: Promise<RateLimiterQueue>;
    if (this.#pool) {
      const pool = this.#pool;
      limiter = new Promise((resolve, reject) => {
        const store = new RateLimiterPostgres(
          { ...slot, storeClient: pool, tableName: 'stemkit_batch_rate_limits', keyPrefix: 'stemkit' },
          (error?: Error) => (error ? reject(error) : resolve(new RateLimiterQueue(store))),
        );
      });
    } else {
      limiter = Promise.resolve(new RateLimiterQueue(new RateLimiterMemory(slot)));
    }
    // Unused limiters must not fail the process: the error shows at the first request instead.
    limiter.catch(() => undefined);
    const origins = options.origins?.map((origin) => new URL(origin).origin);
    const send = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (origins === undefined || origins.includes(url.origin)) {
        await (await limiter).removeTokens(1, options.key);
      }
      // A track's start records its intent now, with the slot in hand, rather than before waiting for it.
      await aboutToSend();
      return send(input, init);
    };
  }

  /** @internal Creates the pg-boss queue of a provider once, with the retry and heartbeat settings of tracks. */
  async queueFor(provider: string): Promise<string> {
    const name = `stemkit-batch.${provider.replace(/[^a-z0-9_-]/gi, '_')}`;
    if (this.#queues.has(name)) return name;
    await this.boss.createQueue(name, {
      // Transient failures (connection, 5xx, 429, a dead worker) are retried with backoff; each attempt resumes
      // from the ledger, so a retry never starts a second provider job.
      retryLimit: 10,
      retryDelay: 2,
      retryBackoff: true,
      retryDelayMax: 120,
      // A worker that dies stops its heartbeat: its tracks go back to the queue within ~15 s.
      heartbeatSeconds: 10,
      expireInSeconds: 24 * 60 * 60,
      deleteAfterSeconds: 7 * 24 * 60 * 60,
    });
    if (this.kind === 'embedded') await this.#reclaim(name);
    this.#queues.add(name);
    return name;
  }

  /** @internal How often workers poll, in seconds. */
  get pollSeconds(): number {
    return POLL_SECONDS;
  }

  /**
   * Embedded only: this process holds the folder, so a job still `active` belongs to a run that died (a
   * SIGKILL). Failing it puts it back in the queue now rather than after its heartbeat runs out.
   */
  async #reclaim(name: string): Promise<void> {
    // Only the active jobs, through pg-boss's index of live jobs (name, state): paging through every job of
    // the queue (findJobs has no state filter) took a minute at 100,000 tracks, before any track could start.
    const { rows } = await this.boss
      .getDb()
      .executeSql(`SELECT id FROM ${BOSS_OPTIONS.schema}.job WHERE name = $1 AND state = 'active'`, [name]);
    const active = rows.map((row) => String(row.id));
    for (let start = 0; start < active.length; start += 1000) {
      await this.boss.fail(name, active.slice(start, start + 1000), { message: 'the previous run ended' });
    }
  }

  /** Stops the engine (waiting briefly for work in hand) and closes the database. */
  async close(): Promise<void> {
    await this.#close();
  }
}

/** pg-boss's settings, the same for every process on a queue (and for the embedded template). */
const BOSS_OPTIONS = {
  schema: 'stemkit_queue',
  schedule: false,
  supervise: true,
  superviseIntervalSeconds: 5,
  monitorIntervalSeconds: 5,
  // The ready count that lets a worker fetch again at once (see `burstWhenReadyExceeds`) is this fresh.
  queueCacheIntervalSeconds: 2,
  registerInstance: false,
  openTelemetry: { enabled: false },
} as const;

/**
 * PGlite's settings. PostgreSQL's 128 MB of shared buffers live in the WASM heap, which never shrinks; a
 * ledger is read through the operating system's cache as well, so 16 MB keeps the process small for little
 * cost. Write-ahead log is kept to 64 MB (PostgreSQL's default of 1 GB made most of a 100,000-track ledger's
 * 243 MB on disk).
 */
const PGLITE_CONFIG = ['shared_buffers = 16MB', 'max_wal_size = 64MB', 'min_wal_size = 32MB'];

/**
 * Opens (creating if needed) a batch queue. With `url`, pg-boss runs on that PostgreSQL server and any number of
 * processes may open it; with `directory`, pg-boss runs in-process on PGlite (PostgreSQL compiled to WASM),
 * through pg-boss's own PGlite adapter, and the folder is locked to this process.
 *
 * @example
 * ```ts
 * const queue = await openBatchQueue({ directory: 'stems/.stemkit-batch' });
 * ```
 */
export async function openBatchQueue(options: BatchQueueOptions): Promise<BatchQueue> {
  const base = BOSS_OPTIONS;
  const logger = options.logger;
  const listen = (boss: PgBoss) => {
    // An EventEmitter throws an unhandled 'error': pg-boss reports its background failures here.
    boss.on('error', (error: Error) => logger?.warn(`queue: ${redact(error.message)}`));
    boss.on('warning', (warning: { message: string }) => logger?.debug(`queue: ${redact(warning.message)}`));
  };
  if (options.url !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(options.url)) {
      throw new InvalidArgumentError('url', 'must be a postgres:// URL');
    }
    const boss = new PgBoss({ ...base, connectionString: options.url, max: 8 });
    listen(boss);
    await boss.start().catch((error: unknown) => {
      throw unreachable(options.url as string, error);
    });
    const pool = new pg.Pool({ connectionString: options.url, max: 2 });
    pool.on('error', (error: Error) => logger?.warn(`queue: ${redact(error.message)}`));
    const ledger = new Ledger(boss.getDb());
    await ledger.setup();
    return new BatchQueue({
      kind: 'postgres',
      boss,
      ledger,
      pool,
      close: async () => {
        await boss.stop({ graceful: true, timeout: 10_000 });
        await pool.end();
      },
    });
  }
  if (options.directory === undefined) throw new InvalidArgumentError('queue', 'give a url or a directory');
  const release = await lockDirectory(options.directory);
  try {
    const directory = options.directory;
    const damaged = (error: unknown) => {
      throw new InvalidArgumentError(
        'queue',
        `the batch ledger in ${directory} is damaged and cannot be opened: to start over, move that folder away (or delete it) and run the batch again — the finished outputs beside it stay, and --adopt-existing (existingOutputs: 'adopt') takes them as done`,
        { cause: error },
      );
    };
    const pglite = await openPglite(join(directory, 'pgdata')).catch(damaged);
    const boss = new PgBoss({ ...base, db: fromPglite(pglite), backend: 'pglite' });
    listen(boss);
    const ledger = new Ledger(boss.getDb());
    await boss
      .start()
      .then(() => ledger.setup())
      .catch(async (error: unknown) => {
        await boss.stop({ graceful: false }).catch(() => {});
        await pglite.close().catch(() => {});
        damaged(error);
      });
    return new BatchQueue({
      kind: 'embedded',
      boss,
      ledger,
      close: async () => {
        try {
          await boss.stop({ graceful: true, timeout: 10_000 });
          await pglite.close();
        } finally {
          await release();
        }
      },
    });
  } catch (error) {
    await release();
    throw error;
  }
}

/** A queue whose server cannot be reached, named as PostgreSQL, its address without any password. */
function unreachable(url: string, error: unknown): ConnectionError {
  let where = 'the --queue URL';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    // Not a URL pg can parse either: the generic name will do.
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  return new ConnectionError(
    `cannot open the PostgreSQL queue at ${where}${typeof code === 'string' ? ` (${code})` : ''}: is PostgreSQL running there, and are the URL's host, port, user and database right?`,
    { cause: error },
  );
}

/**
 * Opens a PGlite data folder. A new one is copied from a template and renamed into place, so a process killed
 * while it is made leaves no half-made folder that PGlite would then refuse. The template — PGlite's initdb with
 * the queue's and the ledger's schemas — is made once per installation (about ten seconds, in a child process)
 * and kept in the user's cache.
 */
async function openPglite(dataDir: string): Promise<PGlite> {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const fresh = `${dataDir}.init-${process.pid}`;
    await rm(fresh, { recursive: true, force: true });
    await cp(await pgliteTemplate(), fresh, { recursive: true });
    await rm(dataDir, { recursive: true, force: true });
    await rename(fresh, dataDir);
  }
  return PGlite.create(dataDir, { postgresqlconf: PGLITE_CONFIG });
}

/**
 * Makes a PGlite data folder with pg-boss's schema and the ledger's in it, in a child process: creating the
 * schema (some 20 KB of DDL) grows PGlite's WASM heap by about 500 MB, which a heap never gives back, so the
 * batch process opens a copy instead and never pays it.
 */
const TEMPLATE_CHILD = `
const [pgliteUrl, bossUrl, folder, setup, options, config] = JSON.parse(process.argv[1]);
const pglite = await import(pgliteUrl);
const boss = await import(bossUrl);
const PGlite = pglite.PGlite ?? pglite.default.PGlite;
const { PgBoss, fromPglite } = boss.PgBoss ? boss : boss.default;
const db = await PGlite.create(folder, { postgresqlconf: config });
const queue = new PgBoss({ ...options, supervise: false, db: fromPglite(db), backend: 'pglite' });
queue.on('error', () => {});
await queue.start();
await queue.getDb().executeSql(setup);
await queue.stop({ graceful: false });
await db.close();
`;

/** A freshly made, cleanly closed PGlite data folder with the queue's and the ledger's schemas, for this installation. */
async function pgliteTemplate(): Promise<string> {
  const require = createRequire(import.meta.url);
  const entries = [require.resolve('@electric-sql/pglite'), require.resolve('pg-boss')];
  const stamps = await Promise.all(
    entries.map(async (entry) => {
      const { size, mtimeMs } = await stat(entry);
      return `${entry}\0${size}\0${mtimeMs}`;
    }),
  );
  const version = createHash('sha256')
    .update([...stamps, LEDGER_SETUP, JSON.stringify(BOSS_OPTIONS), ...PGLITE_CONFIG].join('\0'))
    .digest('hex')
    .slice(0, 16);
  const cache = process.env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache');
  const template = join(cache, 'stemkit', 'batch', `pglite-${version}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const fresh = `${template}.init-${process.pid}`;
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh, { recursive: true });
  const [pgliteEntry, bossEntry] = entries as [string, string];
  await promisify(execFile)(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      TEMPLATE_CHILD,
      JSON.stringify([
        pathToFileURL(pgliteEntry).href,
        pathToFileURL(bossEntry).href,
        fresh,
        LEDGER_SETUP,
        BOSS_OPTIONS,
        PGLITE_CONFIG,
      ]),
    ],
    { maxBuffer: 1 << 20 },
  );
  // Another process may have made it meanwhile: either copy is as good.
  await rename(fresh, template).catch(() => rm(fresh, { recursive: true, force: true }));
  return template;
}
