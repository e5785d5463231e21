/**
 * A throwaway PostgreSQL server for tests: a fresh cluster in a temporary folder, on a free loopback port,
 * from the PostgreSQL binaries installed on the machine (Debian's `postgresql` package). Node only.
 *
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PostgreSQL server started by {@link startPostgres}. */
export interface RunningPostgres {
  /** A connection URL for the `postgres` database as the superuser `stemkit` (no password: trust on loopback). */
  readonly url: string;
  /** The loopback port it listens on. */
  readonly port: number;
  /** Makes another database on the server and returns its URL, for suites that want one each. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server at once and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** The folder holding `initdb` and `pg_ctl` (default: `PG_BIN`, else the newest `/usr/lib/postgresql/<n>/bin`). */
  readonly binDir?: string;
}

/** The newest PostgreSQL installed the Debian way, or `PG_BIN`. */
function findBinDir(): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((left, right) => Number(right) - Number(left));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a fresh PostgreSQL cluster on 127.0.0.1 and a free port. `initdb` refuses to run as root, so as root the
 * cluster belongs to the `postgres` user (`runuser`); otherwise to the current user. Durability is off
 * (`fsync=off`): the data is thrown away anyway. Stop it in `afterAll`.
 *
 * @example
 * ```ts
 * import { startPostgres } from '@stemkit/testing/postgres';
 *
 * const postgres = await startPostgres();
 * try {
 *   // connect to postgres.url
 * } finally {
 *   await postgres.stop();
 * }
 * ```
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<RunningPostgres> {
  const binDir = options.binDir ?? findBinDir();
  if (binDir === undefined) {
    throw new Error(
      'PostgreSQL is not installed: apt-get install postgresql (or set PG_BIN to its bin folder)',
    );
  }
  const asRoot = userInfo().uid === 0;
  // The cluster's files and socket must belong to the user the server runs as.
  const as = (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(binDir, command), ...args])
      : run(join(binDir, command), args);
  const folder = await mkdtemp(join(tmpdir(), 'stemkit-postgres-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(folder, Number(stdout.trim()), Number(group.trim()));
  }
  const data = join(folder, 'data');
  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    await rm(folder, { recursive: true, force: true });
  };
  try {
    await as('initdb', ['-D', data, '-U', 'stemkit', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    let port = 0;
    // A free port may be taken between the check and the start: try another.
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      const settings = `-h 127.0.0.1 -p ${port} -k ${folder} -c fsync=off -c max_connections=200`;
      try {
        await as('pg_ctl', ['-D', data, '-o', settings, '-l', join(folder, 'server.log'), '-w', 'start']);
        started = true;
        break;
      } catch (error) {
        if (attempt >= 2) throw error;
      }
    }
    const url = (database: string) => `postgres://stemkit@127.0.0.1:${port}/${database}`;
    return {
      url: url('postgres'),
      port,
      async createDatabase(name) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
        await as('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'stemkit', name]);
        return url(name);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
