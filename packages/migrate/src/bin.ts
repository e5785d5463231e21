#!/usr/bin/env node
import { runMigrateCommand } from './commands/main.ts';

// `stemkit-migrate <command>`: the same commands as `stemkit migrate`, for use without the full CLI.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.exitCode = await runMigrateCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
