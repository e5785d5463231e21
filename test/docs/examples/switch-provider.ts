// The same job on AudioShake's Tasks API: only the driver line changes.
// The key comes from AUDIOSHAKE_API_KEY (and AUDIOSHAKE_BASE_URL for another host).
import { audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core/node';

const [source = './song.wav'] = process.argv.slice(2);
const stemkit = createStemkit({ driver: audioshakeTasks() });

const job = await stemkit.wait(
  await stemkit.separate({
    source,
    targets: [
      { stem: 'vocals', formats: ['wav'], residual: true },
      { stem: 'drums', formats: ['mp3'] },
    ],
  }),
  { timeoutMs: 5 * 60_000 },
);

console.log(`${job.provider} job ${job.id}: ${job.status}`);
for (const target of job.targets) {
  console.log(
    `${target.stem}: ${target.outputs.map((output) => `${output.name} (${output.role})`).join(', ')}`,
  );
}
