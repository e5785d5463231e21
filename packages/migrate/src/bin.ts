#!/usr/bin/env node
import { runGatewayCommand } from './commands/gateway.ts';
import { MIGRATE_EXIT_CODE } from './commands/io.ts';
import { runMigrateCommand } from './commands/main.ts';

// `stemkit-migrate <command>` and `stemkit-migrate gateway`: the same commands as `stemkit migrate` and
// `stemkit gateway`, for use without the full CLI.

// Output into a closed pipe (`| head`): stop quietly, as Unix tools do, not with an unhandled EPIPE trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(MIGRATE_EXIT_CODE.outputClosed);
    throw error;
  });
}
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal };
const [command, ...rest] = process.argv.slice(2);
process.exitCode =
  command === 'gateway'
    ? await runGatewayCommand(rest, io)
    : await runMigrateCommand(process.argv.slice(2), io);
