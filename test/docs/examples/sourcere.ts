// Sourcere: a trial of one section, then a provider-side mix and zip of the stems.
import { createStemkit } from '@stemkit/core/node';
import { sourcere } from '@stemkit/sourcere';

const [source = './song.wav'] = process.argv.slice(2);
const stemkit = createStemkit({ driver: sourcere() }); // SOURCERE_USERNAME, SOURCERE_PASSWORD

const job = await stemkit.wait(
  await stemkit.separate({
    source,
    stems: ['vocals', 'drums', 'bass', 'other'], // four stems: algorithm 7
    formats: ['mp3'],
    trial: { start: 0, seconds: 1 }, // one second only
    metadata: 'order-1234', // comes back as customMetadata
  }),
);
console.log(`trial ${job.id}: ${job.targets.map((target) => target.outputs[0]?.name).join(', ')}`);

const mix = await stemkit.mix(job, {
  tracks: [
    { stem: 'vocals', volume: 0.9, pan: 0 },
    { stem: 'drums', volume: 0.6, pan: -0.5 },
  ],
  name: 'karaoke-guide',
  format: 'wav',
});
const zip = await stemkit.zip(job, { stems: ['bass', 'other'], format: 'flac' });
for (const asset of [mix, zip]) {
  const { body } = await stemkit.download(asset, { job });
  const bytes = (await new Response(body).arrayBuffer()).byteLength;
  console.log(`${asset.role}: ${asset.name} (${bytes} bytes)`);
}
