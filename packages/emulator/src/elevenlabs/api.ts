import type { EmulatedApi } from '../apis.ts';
import { createElevenLabsApp, resumeElevenLabs } from './routes.ts';

/** ElevenLabs stem separation: an `xi-api-key`, one synchronous route answering a ZIP. */
export const elevenlabsApi = {
  name: 'elevenlabs',
  basePath: '/elevenlabs',
  mswOrigin: 'https://api.elevenlabs.emulator.test',
  handle: (baseUrl, credentials) => ({ baseUrl, apiKey: credentials.elevenlabsApiKey }),
  createApp: createElevenLabsApp,
  resume: resumeElevenLabs,
} as const satisfies EmulatedApi<'elevenlabs'>;
