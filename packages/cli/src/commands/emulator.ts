import { Command } from 'commander';
import { parsePort } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { claimDataDir, embeddedDataDir, emptyDataDir, folderSize } from '../emulator-data.ts';
import { UsageError } from '../errors.ts';
import { formatBytes } from '../output/units.ts';
import { embeddedSpeed } from '../providers.ts';

interface EmulatorFlags {
  readonly prune?: boolean;
  readonly port?: string;
  readonly dataDir?: string;
  readonly speed?: string;
  readonly cors?: boolean;
}

/**
 * `stemkit emulator`: serves the emulator of all three APIs on 127.0.0.1 until Ctrl-C, printing one line of JSON
 * with their base URLs and credentials (the same line as `stemkit-emulator`).
 *
 * @example
 * ```sh
 * stemkit emulator --port 8787 --data-dir .emulator
 * ```
 */
export function emulatorCommand(context: CliContext): Command {
  return new Command('emulator')
    .description('serve the offline emulator of every provider API on 127.0.0.1 until Ctrl-C')
    .option('--port <port>', 'API port (default: a free one)')
    .option('--data-dir <dir>', 'keep jobs and files there across restarts (default: a temporary folder)')
    .option(
      '--speed <factor>',
      'simulated processing speed, larger is faster (default: STEMKIT_EMULATOR_SPEED or 10)',
    )
    .option('--cors', 'send CORS headers, so a web page on any origin can call the APIs and storage')
    .option(
      '--prune',
      "empty the embedded emulator's cache (STEMKIT_EMULATOR_DATA_DIR, default ~/.cache/stemkit/emulator) and exit",
    )
    .addHelpText(
      'after',
      '\nPoint the CLI at it from another terminal, e.g.\n  SOURCERE_BASE_URL=<sourcere.baseUrl> SOURCERE_USERNAME=emulator SOURCERE_PASSWORD=emulator-password stemkit separate song.wav',
    )
    .action(async (flags: EmulatorFlags) => {
      if (flags.prune) return prune(context);
      const port = flags.port === undefined ? 0 : parsePort(flags.port);
      const speed = flags.speed === undefined ? embeddedSpeed(context.environment) : Number(flags.speed);
      if (!(speed > 0)) throw new UsageError(`--speed must be a positive number (got "${flags.speed}")`);
      const { startEmulator } = await import('@stemkit/emulator');
      const emulator = await startEmulator({
        port,
        processing: { speed },
        cors: flags.cors === true,
        ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
      });
      const { sourcere, legacy, tasks, storageUrl } = emulator;
      context.stdout.write(`${JSON.stringify({ sourcere, legacy, tasks, storageUrl })}\n`);
      // Serve until Ctrl-C: that is this command's normal end, not an interruption.
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await emulator.close();
    });
}

/** `stemkit emulator --prune`: empties the embedded emulator's data folder, unless a running stemkit holds it. */
async function prune(context: CliContext): Promise<void> {
  const folder = embeddedDataDir(context.environment);
  const claim = await claimDataDir(folder);
  if (claim.dataDir === undefined) {
    throw new UsageError(`another stemkit is using ${folder}; run --prune once it has finished`);
  }
  try {
    const size = await folderSize(folder);
    await emptyDataDir(folder);
    context.stdout.write(`emptied ${folder} (${formatBytes(size)})\n`);
  } finally {
    await claim.release();
  }
}
