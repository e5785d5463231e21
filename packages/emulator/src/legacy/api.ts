import type { EmulatedApi } from '../apis.ts';
import { createLegacyApp, resumeLegacy } from './routes.ts';

/** The AudioShake legacy job/asset API: a Bearer token. */
export const legacyApi = {
  name: 'legacy',
  basePath: '/audioshake/legacy',
  mswOrigin: 'https://legacy.audioshake.emulator.test',
  handle: (baseUrl, credentials) => ({ baseUrl, token: credentials.legacyToken }),
  createApp: createLegacyApp,
  resume: resumeLegacy,
} as const satisfies EmulatedApi<'legacy'>;
