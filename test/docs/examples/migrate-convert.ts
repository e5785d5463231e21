import { readFileSync } from 'node:fs';
import { convertLegacyJob } from '@stemkit/migrate';

const storedJob = JSON.parse(readFileSync(process.argv[2] ?? 'legacy-job.json', 'utf8'));
const { neutral, task, droppedFromTask } = convertLegacyJob(storedJob);
// neutral: the stemkit Job; task: { taskId, targetId, task } (the job as one target of a task)
console.log(
  `${neutral.id}: ${neutral.status}; task target ${task.targetId}; ${droppedFromTask.length} dropped`,
);
