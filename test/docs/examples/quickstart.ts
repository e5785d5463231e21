// Separate a file into vocals and instrumental with Sourcere, then save the stems.
// Credentials come from SOURCERE_USERNAME, SOURCERE_PASSWORD (and SOURCERE_BASE_URL for another host).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createStemkit } from '@stemkit/core/node';
import { sourcere } from '@stemkit/sourcere';

const [source = './song.wav', outputDirectory = './stems'] = process.argv.slice(2);
const stemkit = createStemkit({ driver: sourcere() });

const started = await stemkit.separate({ source, stems: ['vocals', 'instrumental'], formats: ['wav'] });
console.log(`started ${started.id}`);

const job = await stemkit.wait(started, {
  timeoutMs: 5 * 60_000,
  onProgress: (progress) => console.log(progress.status, progress.progress?.stage ?? ''),
});

await mkdir(outputDirectory, { recursive: true });
for (const target of job.targets) {
  for (const output of target.outputs) {
    const { path, size } = await stemkit.downloadToFile(output, join(outputDirectory, output.name));
    console.log(`${target.stem}: ${path} (${size} bytes)`);
  }
}
