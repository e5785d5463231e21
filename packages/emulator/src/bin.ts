#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { FaultOptions } from './faults.ts';
import { startEmulator } from './server.ts';

const usage = `Usage: stemkit-emulator [options]

Serves the Sourcere, AudioShake legacy, AudioShake Tasks and LALAL.AI APIs on 127.0.0.1 and prints one line of JSON
naming their base URLs and credentials. Stops on SIGINT or SIGTERM.

  --port <n>                  API port (default: a free one)
  --storage-port <n>          signed-URL storage port (default: a free one)
  --data-dir <path>           keep state and files there, across restarts (default: a temporary folder)
  --username <s> --password <s>   Sourcere credentials
  --legacy-token <s>          legacy API Bearer token
  --tasks-api-key <s>         Tasks API x-api-key
  --lalal-license-key <s>     LALAL.AI X-License-Key
  --lalal-checks-per-minute <n>   LALAL.AI /check/ calls a minute before 429 (default 30)
  --elevenlabs-api-key <s>    ElevenLabs xi-api-key
  --speed <factor>            simulated time factor (default 1; larger is faster)
  --concurrency <n>           audio computations at once (default 2)
  --tasks-rate-limit <n>      Tasks API requests per second (default 60)
  --tasks-webhook-url <url>   Tasks account webhook
  --max-upload-bytes <n>      largest upload, signed PUT or fetched link before 413 (default 2147483648, 2 GiB)
  --link-timeout-ms <n>       longest a link fetch may take in all (default 300000, five minutes)
  --seed <n>                  seed of the emulator's randomness
  --cors                      send CORS headers, so a web page on any origin can call the APIs and storage
Faults (probabilities 0–1, applied to every API unless --faults says otherwise):
  --rate-limit <p>  --server-error <p>  --reset <p>  --latency <ms>
  --not-found-after-create <ms>  --token-lifetime <s>  --signed-url-lifetime <s>  --fail-jobs <p>
  --faults <json>             full FaultOptions as JSON (see the README)
`;

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`--${flag} needs a number`);
  return parsed;
}

function faultsFrom(values: Record<string, string | boolean | undefined>): FaultOptions {
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const faults: FaultOptions = text('faults') ? (JSON.parse(text('faults') ?? '{}') as FaultOptions) : {};
  const probability = (name: string) => number(text(name), name);
  const rateLimit = probability('rate-limit');
  if (rateLimit !== undefined) faults.rateLimit = [{ probability: rateLimit }];
  const serverError = probability('server-error');
  if (serverError !== undefined) faults.serverError = [{ probability: serverError }];
  const reset = probability('reset');
  if (reset !== undefined) faults.reset = [{ probability: reset }];
  const latency = number(text('latency'), 'latency');
  if (latency !== undefined) faults.latency = [{ milliseconds: latency }];
  const notFound = number(text('not-found-after-create'), 'not-found-after-create');
  if (notFound !== undefined) faults.notFoundAfterCreate = { milliseconds: notFound };
  const tokenLifetime = number(text('token-lifetime'), 'token-lifetime');
  if (tokenLifetime !== undefined) faults.tokenLifetimeSeconds = tokenLifetime;
  const urlLifetime = number(text('signed-url-lifetime'), 'signed-url-lifetime');
  if (urlLifetime !== undefined) faults.signedUrlLifetimeSeconds = urlLifetime;
  const failJobs = probability('fail-jobs');
  if (failJobs !== undefined) faults.failJobs = { probability: failJobs };
  return faults;
}

async function main(): Promise<void> {
  const stringFlags = [
    'port',
    'storage-port',
    'data-dir',
    'username',
    'password',
    'legacy-token',
    'tasks-api-key',
    'lalal-license-key',
    'lalal-checks-per-minute',
    'elevenlabs-api-key',
    'speed',
    'concurrency',
    'tasks-rate-limit',
    'tasks-webhook-url',
    'max-upload-bytes',
    'link-timeout-ms',
    'seed',
    'faults',
    'rate-limit',
    'server-error',
    'reset',
    'latency',
    'not-found-after-create',
    'token-lifetime',
    'signed-url-lifetime',
    'fail-jobs',
  ] as const;
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(stringFlags.map((flag) => [flag, { type: 'string' as const }])),
      help: { type: 'boolean', short: 'h' },
      cors: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const flags = values as Record<string, string | boolean | undefined>;
  const text = (name: (typeof stringFlags)[number]) => flags[name] as string | undefined;
  const emulator = await startEmulator({
    port: number(text('port'), 'port'),
    storagePort: number(text('storage-port'), 'storage-port'),
    dataDir: text('data-dir'),
    credentials: {
      username: text('username'),
      password: text('password'),
      legacyToken: text('legacy-token'),
      tasksApiKey: text('tasks-api-key'),
      lalalLicenseKey: text('lalal-license-key'),
      elevenlabsApiKey: text('elevenlabs-api-key'),
    },
    processing: {
      speed: number(text('speed'), 'speed'),
      concurrency: number(text('concurrency'), 'concurrency'),
    },
    tasksRateLimit: number(text('tasks-rate-limit'), 'tasks-rate-limit'),
    tasksWebhookUrl: text('tasks-webhook-url'),
    lalalChecksPerMinute: number(text('lalal-checks-per-minute'), 'lalal-checks-per-minute'),
    maxUploadBytes: number(text('max-upload-bytes'), 'max-upload-bytes'),
    linkTimeoutMs: number(text('link-timeout-ms'), 'link-timeout-ms'),
    seed: number(text('seed'), 'seed'),
    cors: flags.cors === true,
    faults: faultsFrom(flags),
  });
  process.stdout.write(
    `${JSON.stringify({
      sourcere: emulator.sourcere,
      legacy: emulator.legacy,
      tasks: emulator.tasks,
      lalal: emulator.lalal,
      storageUrl: emulator.storageUrl,
    })}\n`,
  );
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `stemkit-emulator: ${error instanceof Error ? error.message : String(error)}\n${usage}`,
  );
  process.exit(2);
});
