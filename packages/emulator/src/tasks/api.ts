import type { EmulatedApi } from '../apis.ts';
import { createTasksApp, resumeTasks } from './routes.ts';

/** The AudioShake Tasks API: an `x-api-key`. */
export const tasksApi = {
  name: 'tasks',
  basePath: '/audioshake/tasks',
  mswOrigin: 'https://tasks.audioshake.emulator.test',
  handle: (baseUrl, credentials) => ({ baseUrl, apiKey: credentials.tasksApiKey }),
  createApp: createTasksApp,
  resume: resumeTasks,
} as const satisfies EmulatedApi<'tasks'>;
