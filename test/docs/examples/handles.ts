// Start a job in one process and finish it in another: the handle is plain JSON (or a one-line token).
import { handleToToken } from '@stemkit/core';
import { createStemkit } from '@stemkit/core/node';
import { sourcere } from '@stemkit/sourcere';

const [source = './song.wav'] = process.argv.slice(2);

// The first process starts the job and stores its handle: no need to wait.
const first = createStemkit({ driver: sourcere() });
const started = await first.separate({ source, stems: ['vocals', 'drums', 'bass', 'other'] });
const saved = JSON.stringify(started.handle);
console.log(`token: ${handleToToken(started.handle).slice(0, 12)}…`);

// Later, anywhere: a fresh client resumes from the stored text.
const later = createStemkit({ driver: sourcere() });
const job = await later.wait(saved, { timeoutMs: 5 * 60_000 });
console.log(`resumed ${job.id}: ${job.status}, stems ${job.targets.map((target) => target.stem).join(', ')}`);
