import type { EmulatedApi } from '../apis.ts';
import { createLalalApp, resumeLalal } from './routes.ts';

/** LALAL.AI's v1 API: an `X-License-Key`; paths below `/api/v1/`, each ending with a slash. */
export const lalalApi = {
  name: 'lalal',
  basePath: '/lalal/api/v1',
  mswOrigin: 'https://www.lalal.emulator.test',
  handle: (baseUrl, credentials) => ({ baseUrl, licenseKey: credentials.lalalLicenseKey }),
  createApp: createLalalApp,
  resume: resumeLalal,
} as const satisfies EmulatedApi<'lalal'>;
