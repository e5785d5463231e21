// AudioShake's legacy job/asset API: one legacy job per target and format, one neutral job for the app.
import { audioshakeLegacy } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core/node';

const [source = './song.wav'] = process.argv.slice(2);
const stemkit = createStemkit({ driver: audioshakeLegacy() }); // AUDIOSHAKE_TOKEN

const job = await stemkit.wait(
  await stemkit.separate({
    source,
    targets: [
      { stem: 'vocals', formats: ['wav', 'mp3'], residual: true },
      { stem: 'transcription', formats: ['json', 'srt'], language: 'en' },
    ],
  }),
);
console.log(`${job.status}: ${job.handle.parts?.length} legacy jobs behind one neutral job`);
for (const target of job.targets) {
  console.log(`${target.stem}: ${target.outputs.map((output) => output.name).join(', ')}`);
}
