import type { EmulatedApi } from '../apis.ts';
import { createSourcereApp, resumeSourcere } from './routes.ts';

/** The signed-URL Separation API (Sourcere): `POST /auth/` with a username and password. */
export const sourcereApi = {
  name: 'sourcere',
  basePath: '/sourcere',
  mswOrigin: 'https://sourcere.emulator.test',
  handle: (baseUrl, credentials) => ({
    baseUrl,
    username: credentials.username,
    password: credentials.password,
  }),
  createApp: createSourcereApp,
  resume: resumeSourcere,
} as const satisfies EmulatedApi<'sourcere'>;
