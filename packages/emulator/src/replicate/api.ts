import type { EmulatedApi } from '../apis.ts';
import { createReplicateApp, resumeReplicate } from './routes.ts';

/** Replicate's predictions API for Demucs: a Bearer token. */
export const replicateApi = {
  name: 'replicate',
  basePath: '/replicate/v1',
  mswOrigin: 'https://api.replicate.emulator.test',
  handle: (baseUrl, credentials) => ({ baseUrl, apiToken: credentials.replicateApiToken }),
  createApp: createReplicateApp,
  resume: resumeReplicate,
} as const satisfies EmulatedApi<'replicate'>;
