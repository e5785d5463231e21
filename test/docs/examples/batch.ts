// Separate a folder of tracks on one machine, resumably: run it again after a crash and it carries on.
import { audioshakeTasks } from '@stemkit/audioshake';
import { batchResults, openBatchQueue, readBatchInput, runBatch, writeBatchReport } from '@stemkit/batch';
import { createStemkit } from '@stemkit/core/node';

const [input = './masters', out = './stems'] = process.argv.slice(2);

// The embedded queue and its ledger live in the output folder; `{ url: 'postgres://…' }` shares them instead.
const queue = await openBatchQueue({ directory: `${out}/.stemkit-batch` });
try {
  // At most 50 requests a second to this account (from every process on the queue, when it is shared).
  const fetch = queue.rateLimitedFetch({ requestsPerSecond: 50, key: 'audioshake:main' });
  const stemkit = createStemkit({ driver: audioshakeTasks({ fetch }) });
  // A folder, a .jsonl or a .csv manifest, checked whole (streaming) before anything is queued.
  const items = await readBatchInput(input);
  for await (const result of runBatch(stemkit, items, { out, queue, stems: ['vocals'], concurrency: 8 })) {
    console.log(`${result.name}: ${result.status}${result.error ? ` (${result.error})` : ''}`);
  }
  // Written from the ledger, streaming: a million tracks are never held in memory.
  const report = await writeBatchReport(batchResults(queue, { out }), `${out}/batch-report`);
  console.log(`report: ${report.csv}`);
} finally {
  await queue.close();
}
