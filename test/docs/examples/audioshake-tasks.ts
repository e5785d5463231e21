// AudioShake's Tasks API: one task, many targets, each with its own status; tasks can be listed.
import { audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core/node';

const [source = './song.wav'] = process.argv.slice(2);
const stemkit = createStemkit({ driver: audioshakeTasks() }); // AUDIOSHAKE_API_KEY

const started = await stemkit.separate({
  source,
  targets: [
    { stem: 'vocals', formats: ['wav'], variant: 'high_quality' },
    { stem: 'instrumental', formats: ['mp3'] },
    { stem: 'alignment', formats: ['json'], language: 'en' },
  ],
  transcript: new TextEncoder().encode('la la la\nna na na'), // what the alignment target aligns
  priority: 'high', // the Tasks API has no priority: a warning, not silence
});
for (const warning of started.warnings) console.log(`warning: ${warning.code} (${warning.field})`);

const job = await stemkit.wait(started);
for (const target of job.targets) console.log(`${target.stem}: ${target.status}, ${target.outputs[0]?.name}`);

let listed = 0;
for await (const task of stemkit.list({ pageSize: 50 })) if (task.id === job.id) listed += 1;
console.log(`listed: ${listed}`);
