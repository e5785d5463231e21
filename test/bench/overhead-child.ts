// Client CPU time for small jobs: upload, create, one poll, one download — through stemkit, or through a minimal
// hand-written ky client making the same calls. Prints one JSON line.
import { audioshakeTasks } from '@stemkit/audioshake';
import { createStemkit } from '@stemkit/core';
import ky from 'ky';
import { createFakeTasksFetch, fakeApiKey, fakeTasksBaseUrl, requestLog } from './support/fake-tasks.ts';

const client = process.argv[2] as 'stemkit' | 'ky';
const jobs = Number(process.argv[3] ?? 1_000);
const warmUp = 200;
const source = new Uint8Array(3_244).fill(1);
const fetch = createFakeTasksFetch();

async function stemkitJob(stemkit: ReturnType<typeof createStemkit>) {
  const started = await stemkit.separate({ source, name: 'tone.wav', stems: ['vocals'], formats: ['wav'] });
  const job = await stemkit.wait(started, { initialDelayMs: 0 });
  for (const target of job.targets) {
    for (const output of target.outputs) {
      const { body } = await stemkit.download(output);
      await new Response(body).arrayBuffer();
    }
  }
}

interface Task {
  id: string;
  targets: Array<{ status: string; output: Array<{ link: string }> }>;
}

/** What a developer would write by hand with ky for the same job. */
async function kyJob(api: typeof ky) {
  const form = new FormData();
  form.append('file', new Blob([source], { type: 'audio/wav' }), 'tone.wav');
  const asset = await api.post('assets', { body: form }).json<{ id: string }>();
  let task = await api
    .post('tasks', { json: { assetId: asset.id, targets: [{ model: 'vocals', formats: ['wav'] }] } })
    .json<Task>();
  while (!task.targets.every((target) => target.status === 'completed' || target.status === 'error')) {
    task = await api.get(`tasks/${task.id}`).json<Task>();
  }
  // Links expire within the hour: read the task again for fresh ones before downloading, as stemkit does.
  task = await api.get(`tasks/${task.id}`).json<Task>();
  for (const target of task.targets) {
    for (const output of target.output) await (await fetch(output.link)).arrayBuffer();
  }
}

let run: () => Promise<void>;
if (client === 'stemkit') {
  const stemkit = createStemkit({
    driver: audioshakeTasks({ apiKey: fakeApiKey, baseUrl: fakeTasksBaseUrl, fetch }),
  });
  run = () => stemkitJob(stemkit);
} else {
  const api = ky.create({ baseUrl: `${fakeTasksBaseUrl}/`, headers: { 'x-api-key': fakeApiKey }, fetch });
  run = () => kyJob(api);
}

for (let index = 0; index < warmUp; index++) await run();
requestLog.length = 0;
const before = process.cpuUsage();
const startedAt = performance.now();
for (let index = 0; index < jobs; index++) await run();
const cpu = process.cpuUsage(before);
const wallMs = performance.now() - startedAt;
console.log(
  JSON.stringify({
    client,
    jobs,
    cpuMsPerJob: (cpu.user + cpu.system) / 1_000 / jobs,
    wallMsPerJob: wallMs / jobs,
    requestsPerJob: requestLog.length / jobs,
    calls: Object.fromEntries(
      [...new Set(requestLog)].map((call) => [
        call,
        requestLog.filter((entry) => entry === call).length / jobs,
      ]),
    ),
  }),
);
