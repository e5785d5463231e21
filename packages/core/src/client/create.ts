import * as z from 'zod/mini';
import { describeCapabilities } from '../driver/capabilities.ts';
import { DRIVER_CONTRACT_VERSION } from '../driver/contract.ts';
import { InvalidArgumentError } from '../errors.ts';
import { redactingLogger, silentLogger } from '../logger.ts';
import { parseArgument } from '../validation.ts';
import { parseCallback } from './callbacks.ts';
import { requireCapability } from './capabilities.ts';
import { type ClientContext, OutputOwners, type PathOpener } from './context.ts';
import { CredentialCheck } from './credentials.ts';
import { mix, zip } from './derived.ts';
import { download } from './download.ts';
import { toHandle } from './handles.ts';
import { cancel, deleteSource, get, list, usage } from './jobs.ts';
import { type LocalStore, memoryStore } from './local-store.ts';
import { neutralJobs } from './neutral.ts';
import { UploadOptionsSchema, WaitOptionsSchema } from './schemas.ts';
import { separate } from './separate.ts';
import { requireAudio, resolveSource } from './source.ts';
import { StatusBatcher } from './status-batch.ts';
import type { Stemkit, StemkitOptions } from './types.ts';
import { uploadSource } from './upload.ts';
import { wait } from './wait.ts';
import { Waiters } from './waiters.ts';

const method = () =>
  z.custom<(...values: never[]) => unknown>((value) => typeof value === 'function', {
    message: 'must be a function',
  });

const StemkitOptionsSchema = z.lazy(() =>
  z.object({
    driver: z.object({
      contract: z.literal(DRIVER_CONTRACT_VERSION),
      upload: method(),
      start: method(),
      status: method(),
      link: method(),
      provider: z.string().check(z.minLength(1)),
      capabilities: z.object({
        stems: z.union([z.literal('any'), z.array(z.string())]),
        formats: z.array(z.string()),
      }),
    }),
    plugins: z.optional(
      z.array(
        z.object({
          name: z.string().check(z.minLength(1)),
          formats: z.optional(z.array(z.string())),
        }),
      ),
    ),
    logger: z.optional(z.object({ debug: z.unknown(), info: z.unknown(), warn: z.unknown() })),
    wait: z.optional(WaitOptionsSchema),
    localStore: z.optional(z.object({ put: method(), open: method(), has: method() })),
  }),
);

/** What only `@stemkit/core/node` adds to a client. */
export interface ClientEnvironment {
  readonly openPath?: PathOpener;
  /** The local store's default (a temporary folder on Node; in memory otherwise). */
  readonly localStore?: () => LocalStore;
}

/**
 * Creates the one client over a driver. Changing the driver is all it takes to change provider.
 *
 * @example
 * ```ts
 * import { createStemkit } from '@stemkit/core';
 * const stemkit = createStemkit({ driver: sourcere({ username, password }) });
 * const job = await stemkit.wait(await stemkit.separate({ source: blob, stems: ['vocals', 'instrumental'] }));
 * ```
 */
export function createStemkit(options: StemkitOptions): Stemkit {
  return createClient(options, {});
}

/** `createStemkit` with the environment's extras; the Node entry passes a path opener. */
export function createClient(options: StemkitOptions, environment: ClientEnvironment): Stemkit {
  parseArgument(StemkitOptionsSchema, options, '');
  if (options.driver.contract !== DRIVER_CONTRACT_VERSION) {
    throw new InvalidArgumentError('driver.contract', `must be ${DRIVER_CONTRACT_VERSION}`);
  }
  const driver = neutralJobs(options.driver);
  const fetchFunction =
    driver.fetch ?? ((...args: Parameters<typeof fetch>): Promise<Response> => globalThis.fetch(...args));
  const context: ClientContext = {
    driver,
    capabilities: describeCapabilities(options.driver),
    logger: redactingLogger(options.logger ?? silentLogger),
    plugins: options.plugins ?? [],
    wait: options.wait ?? {},
    fetch: fetchFunction,
    openPath: environment.openPath,
    owners: new OutputOwners(),
    localStore: options.localStore ?? environment.localStore?.() ?? memoryStore(),
    waiters: new Waiters(),
    credentials: new CredentialCheck(driver),
    statusBatcher:
      driver.statusMany && options.driver.capabilities.batchedStatus
        ? new StatusBatcher(driver, options.driver.capabilities.batchedStatus)
        : undefined,
  };

  return {
    provider: driver.provider,
    capabilities: context.capabilities,
    async upload(source, input = {}) {
      const uploadOptions = parseArgument(UploadOptionsSchema, input, '');
      // The audio of an inline driver travels only inside `separate`: refused before the source is read.
      requireCapability(
        context,
        'upload',
        context.capabilities.uploads !== 'inline',
        'takes the audio inline in `separate`; it has no separate upload',
      );
      const resolved = await resolveSource(context, source, uploadOptions.name);
      // A transcript is text: neither sniffed nor inspected as audio.
      if (uploadOptions.transcript)
        return uploadSource(context, resolved, { ...uploadOptions, inspect: false });
      return uploadSource(
        context,
        await requireAudio(context, resolved, uploadOptions.signal),
        uploadOptions,
      );
    },
    separate: (input) => separate(context, input),
    get: (reference, input) => get(context, reference, input),
    wait: (reference, input) => wait(context, reference, input),
    download: (asset, input) => download(context, asset, input),
    mix: (reference, input) => mix(context, reference, input),
    zip: (reference, input) => zip(context, reference, input),
    list: (input) => list(context, input),
    usage: (input) => usage(context, input),
    cancel: (reference, input) => cancel(context, reference, input),
    deleteSource: (asset, input) => deleteSource(context, asset, input),
    callbacks: {
      parse: (request) => parseCallback(context, request),
      wake: async (reference) => context.waiters.wake(toHandle(context, reference)),
    },
  };
}
