import type { Hono } from 'hono';
import type { EmulatorContext } from './context.ts';
import { elevenlabsApi } from './elevenlabs/api.ts';
import { lalalApi } from './lalal/api.ts';
import { legacyApi } from './legacy/api.ts';
import type { EmulatorCredentials } from './options.ts';
import { replicateApi } from './replicate/api.ts';
import { sourcereApi } from './sourcere/api.ts';
import type { StateRecordKey } from './state/records.ts';
import { tasksApi } from './tasks/api.ts';

/**
 * What a client needs to call each emulated API, by name: its base URL and the credentials it accepts. The
 * same handles on a running server (`emulator.tasks`) and on the msw handlers (`handlers.tasks`).
 *
 * @example
 * ```ts
 * const { baseUrl, apiKey }: EmulatedApiHandles['tasks'] = emulator.tasks;
 * ```
 */
export interface EmulatedApiHandles {
  /** The signed-URL Separation API: base URL and `POST /auth/` credentials. */
  sourcere: { baseUrl: string; username: string; password: string };
  /** The legacy job/asset API: base URL and Bearer token. */
  legacy: { baseUrl: string; token: string };
  /** The Tasks API: base URL and `x-api-key`. */
  tasks: { baseUrl: string; apiKey: string };
  /** Replicate's predictions API (Demucs): base URL (ending `/v1`) and Bearer token. */
  replicate: { baseUrl: string; apiToken: string };
  /** LALAL.AI's v1 API: base URL (ending in `/api/v1`; every path below it ends with a slash) and `X-License-Key`. */
  lalal: { baseUrl: string; licenseKey: string };
  /** ElevenLabs stem separation: base URL and `xi-api-key`. */
  elevenlabs: { baseUrl: string; apiKey: string };
}

/** The emulated APIs' names. */
export type EmulatedApiName = keyof EmulatedApiHandles;

/**
 * One emulated API: what the shared parts (the core, the Node server, the msw handlers, the faults) need to
 * serve it. A new API is a folder with its routes and one of these, its line in {@link emulatedApis}, and its
 * handle's type in {@link EmulatedApiHandles} (the public shape, documented there).
 */
export interface EmulatedApi<Name extends EmulatedApiName = EmulatedApiName> {
  /** Its name in fault rules (`api: 'tasks'`) and on the handles (`emulator.tasks`). */
  readonly name: Name;
  /** Where it is mounted on the Node server's API port (`/audioshake/tasks`). */
  readonly basePath: string;
  /** The fake origin its msw handlers answer on (`https://tasks.audioshake.emulator.test`). */
  readonly mswOrigin: string;
  /** The state's records by id it keeps (loaded from `state.json` as prototype-less dictionaries). */
  readonly records: readonly StateRecordKey[];
  /** What a client needs to call it: its base URL and the credentials it accepts. */
  handle(baseUrl: string, credentials: Required<EmulatorCredentials>): EmulatedApiHandles[Name];
  /** Its routes, as one Hono app below its base (errors in its own body shape, faults by its name). */
  createApp(context: EmulatorContext): Hono;
  /** Picks up the work a previous run left unfinished (jobs still processing when it stopped). */
  resume(context: EmulatorContext): void;
}

/** Every emulated API, in the order their apps are built and resumed. */
export const emulatedApis = [
  sourcereApi,
  legacyApi,
  tasksApi,
  replicateApi,
  lalalApi,
  elevenlabsApi,
] as const satisfies readonly EmulatedApi[];

// Every handle has its API: a name in EmulatedApiHandles missing from the list fails to compile here.
type Unregistered = Exclude<EmulatedApiName, (typeof emulatedApis)[number]['name']>;
const everyApiRegistered: [Unregistered] extends [never] ? true : Unregistered = true;
void everyApiRegistered;

/** `value(api)` for every API, by name. */
export function byApi<Value>(value: (api: EmulatedApi) => Value): Record<EmulatedApiName, Value> {
  const apis: readonly EmulatedApi[] = emulatedApis;
  return Object.fromEntries(apis.map((api) => [api.name, value(api)])) as Record<EmulatedApiName, Value>;
}

/** Every API's handle, from its base URL. */
export function apiHandles(
  baseUrl: (api: EmulatedApi) => string,
  credentials: Required<EmulatorCredentials>,
): EmulatedApiHandles {
  return byApi((api) => api.handle(baseUrl(api), credentials)) as EmulatedApiHandles;
}

/**
 * The emulated APIs' names, in registration order: what an app's providers table points its entries at.
 *
 * @example
 * ```ts
 * emulatedApiNames; // ['sourcere', 'legacy', 'tasks', 'replicate', 'lalal', 'elevenlabs']
 * ```
 */
export const emulatedApiNames: readonly EmulatedApiName[] = emulatedApis.map((api) => api.name);
