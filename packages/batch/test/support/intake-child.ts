// Queues a manifest on the embedded queue with no worker, printing how many tracks are queued after each
// statement: the test SIGKILLs it in the middle of intake.
import { openBatchQueue, readBatchInput, runBatch } from '../../src/index.ts';
import { instantClient } from './instant-client.ts';

const [manifest, out] = process.argv.slice(2) as [string, string];
const queue = await openBatchQueue({ directory: `${out}/.stemkit-batch` });
const items = await readBatchInput(manifest);
for await (const _ of runBatch(instantClient(), items, {
  out,
  queue,
  concurrency: 0,
  onIntake: (progress) => process.stdout.write(`queued ${progress.rows}\n`),
})) {
  // Nothing works the tracks: the parent kills this process during intake.
}
