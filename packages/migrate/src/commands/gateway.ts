import { audioshakeTasks } from '@stemkit/audioshake';
import type { StemkitDriver } from '@stemkit/core';
import { startGateway } from '../gateway/server.ts';
import { settingsFromEnvironment, tasksFromEnvironment } from './drivers.ts';
import { type CommandIo, parseFlags, positiveInteger, UsageError } from './io.ts';

/** The `stemkit gateway` help text. */
export const GATEWAY_HELP = `Usage: stemkit gateway --backend audioshake|sourcere|emulator [--port 8080] [--host 127.0.0.1]
                       [--state gateway-state.json] [--speed 1]

Serve AudioShake's legacy job/asset API (POST /upload, /upload/link, /upload/audio-link, /job, GET /job/:id,
POST /usage, per-job callbacks) over another backend, so legacy clients keep working unchanged.

Backends:
  audioshake  the Tasks API (AUDIOSHAKE_API_KEY, optional AUDIOSHAKE_BASE_URL)
  sourcere    the Sourcere Separation API (SOURCERE_USERNAME, SOURCERE_PASSWORD, optional SOURCERE_BASE_URL)
  emulator    the Tasks API of an embedded offline emulator (--speed divides its simulated durations)

--state keeps the gateway's asset and job ids in a file across restarts (no credential or signed link in it).
Legacy clients send Authorization: Bearer $STEMKIT_GATEWAY_TOKEN (required, environment only).
STEMKIT_GATEWAY_LINK_SECRET (optional) signs download links, so they outlive a restart.
Prints one JSON line {"url", "backend"} when listening; serves until SIGINT or SIGTERM.`;

/** A backend driver, and what to stop with it. */
interface Backend {
  readonly driver: StemkitDriver;
  close(): Promise<void>;
}

async function openBackend(name: string, env: CommandIo['env'], speed: number): Promise<Backend> {
  const none = async () => undefined;
  if (name === 'audioshake') {
    return { driver: tasksFromEnvironment(env), close: none };
  }
  if (name === 'sourcere') {
    // Loaded on demand: only this backend needs the Sourcere driver.
    const { sourcere } = await import('@stemkit/sourcere');
    const settings = settingsFromEnvironment(sourcere.settings, env, 'the sourcere backend needs it');
    return { driver: sourcere(settings), close: none };
  }
  if (name === 'emulator') {
    const { startEmulator } = await import('@stemkit/emulator');
    const emulator = await startEmulator({ processing: { speed } });
    return {
      driver: audioshakeTasks({ apiKey: emulator.tasks.apiKey, baseUrl: emulator.tasks.baseUrl }),
      close: () => emulator.close(),
    };
  }
  throw new UsageError(`--backend must be audioshake, sourcere or emulator, not \`${name}\``);
}

/**
 * Runs `stemkit gateway`: starts the legacy API gateway over the chosen backend and serves until `io.signal`
 * aborts (the bin aborts it on SIGINT and SIGTERM), or without one until the process ends. Returns the exit code.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.once('SIGTERM', () => controller.abort());
 * process.exitCode = await runGatewayCommand(['--backend', 'emulator'], { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal });
 * ```
 */
export async function runGatewayCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${GATEWAY_HELP}\n`);
    return 0;
  }
  try {
    const { values } = parseFlags(argv, {
      backend: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      speed: { type: 'string' },
      state: { type: 'string' },
    });
    const token = io.env.STEMKIT_GATEWAY_TOKEN;
    if (!token) throw new UsageError('STEMKIT_GATEWAY_TOKEN is not set: legacy clients authenticate with it');
    if (!values.backend) throw new UsageError('--backend is required');
    const port = values.port === undefined ? 0 : positiveInteger(values, 'port', 0);
    const backend = await openBackend(values.backend, io.env, positiveInteger(values, 'speed', 1));
    const running = await startGateway({
      driver: backend.driver,
      token,
      port,
      ...(values.host ? { host: values.host } : {}),
    });
    io.stdout.write(`${JSON.stringify({ url: running.url, backend: values.backend })}\n`);
    await new Promise<void>((resolve) => {
      // Without a signal it serves until the process ends.
      if (io.signal?.aborted) return resolve();
      io.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    await running.close();
    await backend.close();
    return 0;
  } catch (error) {
    io.stderr.write(
      `${error instanceof Error ? error.message : String(error)}\n\n${error instanceof UsageError ? GATEWAY_HELP : ''}\n`,
    );
    return error instanceof UsageError ? 2 : 1;
  }
}
