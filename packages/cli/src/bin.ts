#!/usr/bin/env node
import { ExitCode } from './exit-codes.ts';
import { main } from './main.ts';

// First Ctrl-C or SIGTERM: stop waiting cleanly and print the handle. A second one: leave now.
const controller = new AbortController();
const interrupt = () => {
  if (controller.signal.aborted) process.exit(ExitCode.interrupted);
  controller.abort();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

// Output into a closed pipe (`stemkit --help | head -1`): stop quietly, as Unix tools do, instead of an
// unhandled EPIPE stack trace. Node ignores SIGPIPE, so the stream reports it as an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.outputClosed);
    throw error;
  });
}

process.exitCode = await main({
  argv: process.argv.slice(2),
  stdout: process.stdout,
  stderr: process.stderr,
  environment: process.env,
  signal: controller.signal,
});
