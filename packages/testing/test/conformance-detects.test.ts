import {
  type Asset,
  isAbortError,
  type JobHandle,
  ProviderError,
  RateLimitError,
  type StartRequest,
  type StemkitDriver,
  UnsupportedCapabilityError,
  verifyStandardWebhook,
} from '@stemkit/core/driver';
import { describe, expect, it } from 'vitest';
import {
  type ConformanceCheck,
  ConformanceFailure,
  conformanceChecks,
  createConformanceContext,
  createMockHarness,
  MOCK_API_KEY,
  MOCK_API_URL,
  MOCK_STORAGE_URL,
} from '../src/index.ts';

// Each conformance check must catch a driver broken in the way it guards against: run the checks directly
// (no nested vitest) against mock drivers with one deliberate defect each.

const fast = { jobTimeoutMs: 1_500, streamingGraceMs: 300, abortGraceMs: 1_000 };

function checkNamed(fragment: string): ConformanceCheck {
  const found = conformanceChecks.find((each) => each.name.includes(fragment));
  if (!found) throw new Error(`no check named like "${fragment}"`);
  return found;
}

async function runCheck(
  fragment: string,
  wrap: (driver: StemkitDriver) => StemkitDriver,
  options: Parameters<typeof createMockHarness>[0] = {},
): Promise<unknown> {
  const context = createConformanceContext(createMockHarness(options, wrap), fast);
  try {
    await checkNamed(fragment).run(context);
  } catch (error) {
    return error;
  }
  return undefined;
}

const identity = (driver: StemkitDriver) => driver;

describe('the conformance checks', () => {
  it('all pass on the mock driver as it is', async () => {
    const context = createConformanceContext(createMockHarness(), fast);
    for (const each of conformanceChecks) await each.run(context);
  });

  it('catch a driver that declares signed callbacks but skips verification (planted)', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const honest = await runCheck('verifies signed callbacks', identity, { webhookSecret: secret });
    expect(honest).toBeUndefined();
    const error = await runCheck(
      'verifies signed callbacks',
      (driver) => ({
        ...driver,
        // The planted defect: reads the body and never checks the signature or the timestamp.
        parseCallback: (request) => ({
          handle: {
            contract: 1,
            provider: driver.provider,
            id: (request.body as { job: { id: string } }).job.id,
          },
        }),
      }),
      { webhookSecret: secret },
    );
    expect(error).toBeInstanceOf(ConformanceFailure);
    expect(String(error)).toMatch(/tampered callback was accepted/);
  });

  it('catch a signed-callback driver that accepts a replay outside the window (planted)', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const error = await runCheck(
      'verifies signed callbacks',
      (driver) => ({
        ...driver,
        async parseCallback(request) {
          // The planted defect: checks the signature with an unbounded window.
          await verifyStandardWebhook(
            { headers: request.headers, rawBody: request.rawBody ?? '' },
            { secret, toleranceSeconds: Number.POSITIVE_INFINITY },
          );
          const body = request.body as { job: { id: string } };
          return { handle: { contract: 1, provider: driver.provider, id: body.job.id } };
        },
      }),
      { webhookSecret: secret },
    );
    expect(String(error)).toMatch(/replayed .* callback was accepted/);
  });

  it('catch a driver that maps "running" to "succeeded"', async () => {
    const error = await runCheck('maps its statuses', (driver) => ({
      ...driver,
      async status(handle, options) {
        const result = await driver.status(handle, options);
        const targets = result.job.targets.map((target) => ({
          ...target,
          status: target.status === 'running' ? ('succeeded' as const) : target.status,
        }));
        return { ...result, job: { ...result.job, targets, status: 'succeeded' } };
      },
    }));
    expect(error).toBeInstanceOf(ConformanceFailure);
    expect(String(error)).toMatch(/no outputs/);
  });

  it('catch a job status that does not follow its targets', async () => {
    const error = await runCheck('maps its statuses', (driver) => ({
      ...driver,
      async status(handle, options) {
        const result = await driver.status(handle, options);
        return { ...result, job: { ...result.job, status: 'queued' } };
      },
    }));
    expect(String(error)).toMatch(/does not follow its targets|still "queued"/);
  });

  it('catch declared stems that do not cover the request', async () => {
    const error = await runCheck('declares contract 1', identity, { capabilities: { stems: ['vocals'] } });
    expect(String(error)).toMatch(/stem "instrumental" is not declared/);
  });

  it('catch a declared format the driver does not deliver', async () => {
    const error = await runCheck(
      'honours its declarations',
      (driver) => ({
        ...driver,
        start: (request, options) =>
          driver.start(
            { ...request, targets: request.targets.map((target) => ({ ...target, formats: ['wav'] })) },
            options,
          ),
      }),
      { request: { stems: ['vocals'], format: 'mp3' } },
    );
    expect(String(error)).toMatch(/delivered "wav", asked for "mp3"/);
  });

  it('catch an optional method declared but not working', async () => {
    const error = await runCheck('honours its declarations', (driver) => ({
      ...driver,
      // Offers mix, but hands back the source instead of a mix.
      mix: async (handle, _request, options) => {
        const { job } = await driver.status(handle, options);
        return job.source as Asset;
      },
    }));
    expect(String(error)).toMatch(/mix returned an asset with role "source"/);
  });

  it('pass a driver whose verifyCredentials asks the provider', async () => {
    const error = await runCheck('verifyCredentials', (driver) => ({
      ...driver,
      // One small authenticated call: the first page of the account's jobs.
      verifyCredentials: async (options) => {
        await driver.list?.({ pageSize: 1 }, options);
      },
    }));
    expect(error).toBeUndefined();
  });

  it('catch a verifyCredentials that takes bad credentials for good ones', async () => {
    const error = await runCheck('verifyCredentials', (driver) => ({
      ...driver,
      verifyCredentials: async () => undefined,
    }));
    expect(error).toBeInstanceOf(ConformanceFailure);
    expect(String(error)).toMatch(/verifyCredentials\(\) with bad credentials/);
  });

  it('catch a verifyCredentials that refuses with something else than AuthenticationError', async () => {
    const error = await runCheck('verifyCredentials', (driver) => ({
      ...driver,
      verifyCredentials: async (options) => {
        await driver.list?.({ pageSize: 1 }, options).catch(() => {
          throw new Error('no');
        });
      },
    }));
    expect(String(error)).toMatch(/verifyCredentials\(\) refused with/);
  });

  it('catch errors left unmapped', async () => {
    const unmapped = (driver: StemkitDriver): StemkitDriver => ({
      ...driver,
      async status(handle, options) {
        try {
          return await driver.status(handle, options);
        } catch (error) {
          throw new Error(`request failed: ${String(error)}`);
        }
      },
    });
    for (const fragment of ['401 and 403', '404', '422', '429', '500 and 503', 'unreachable host']) {
      const error = await runCheck(fragment, unmapped);
      expect(error, fragment).toBeInstanceOf(ConformanceFailure);
      expect(String(error), fragment).toMatch(/not a StemkitError|became Error/);
    }
  });

  it('catch a rate limit mapped to a plain provider error', async () => {
    const error = await runCheck('429', (driver) => ({
      ...driver,
      async status(handle, options) {
        try {
          return await driver.status(handle, options);
        } catch (caught) {
          if (RateLimitError.isInstance(caught)) throw new ProviderError('slow down', { status: 429 });
          throw caught;
        }
      },
    }));
    expect(String(error)).toMatch(/expected RateLimitError/);
  });

  it('catch a driver that ignores the abort signal', async () => {
    const error = await runCheck('AbortError', (driver) => ({
      ...driver,
      status: (handle) => driver.status(handle),
      upload: (request) => driver.upload(request),
    }));
    expect(error).toBeInstanceOf(ConformanceFailure);
    expect(isAbortError(error)).toBe(false);
  });

  it('catch a driver that wraps the abort in its own error', async () => {
    const error = await runCheck('AbortError', (driver) => ({
      ...driver,
      async status(handle, options) {
        try {
          return await driver.status(handle, options);
        } catch {
          throw new ProviderError('request aborted');
        }
      },
    }));
    expect(String(error)).toMatch(/rejected with ProviderError/);
  });

  it('catch a handle that only works as the original object', async () => {
    const error = await runCheck('JSON-serialisable handle', (driver) => {
      const real = new WeakMap<object, JobHandle>();
      return {
        ...driver,
        async start(request, options) {
          const result = await driver.start(request, options);
          const opaque: JobHandle = { ...result.handle, id: 'opaque' };
          real.set(opaque, result.handle);
          return { handle: opaque };
        },
        status: (handle, options) => driver.status(real.get(handle) ?? handle, options),
      };
    });
    expect(error).toBeDefined();
  });

  it('catch a handle carrying values JSON cannot keep', async () => {
    const error = await runCheck('JSON-serialisable handle', (driver) => ({
      ...driver,
      async start(request, options) {
        const result = await driver.start(request, options);
        return {
          ...result,
          handle: { ...result.handle, data: { startedAt: new Date(0) } } as unknown as JobHandle,
        };
      },
    }));
    expect(String(error)).toMatch(/not a valid JobHandle|does not survive JSON/);
  });

  it('catch an upload that reads the whole source before sending it', async () => {
    const error = await runCheck('streams an upload', (driver) => ({
      ...driver,
      async upload(request, options) {
        const bytes = new Uint8Array(await new Response(request.body).arrayBuffer());
        return driver.upload({ ...request, body: new Blob([bytes]).stream() }, options);
      },
    }));
    expect(String(error)).toMatch(/read the whole source before sending/);
  });

  it('catch a link that cannot be refreshed', async () => {
    const error = await runCheck('fresh link after one expired', (driver) => {
      const issued = new Map<string, Awaited<ReturnType<StemkitDriver['link']>>>();
      return {
        ...driver,
        async link(handle, request, options) {
          const cached = issued.get(request.asset.id);
          if (cached) return cached;
          const link = await driver.link(handle, request, options);
          issued.set(request.asset.id, link);
          return link;
        },
      };
    });
    expect(String(error)).toMatch(/refreshed link answered 403/);
  });

  it('catch a link that asks for the credential on the storage host', async () => {
    const error = await runCheck('fresh link after one expired', (driver) => ({
      ...driver,
      async link(handle, request, options) {
        const link = await driver.link(handle, request, options);
        return link.ready ? { ...link, headers: { authorization: 'Bearer leaked' } } : link;
      },
    }));
    expect(String(error)).toMatch(/credential on the storage host/);
  });

  it('catch outputs that name another provider', async () => {
    const error = await runCheck('maps its statuses', (driver) => ({
      ...driver,
      async status(handle, options) {
        const result = await driver.status(handle, options);
        const rename = (asset: Asset): Asset => ({ ...asset, provider: 'someone-else' });
        const targets = result.job.targets.map((target) => ({
          ...target,
          outputs: target.outputs.map(rename),
        }));
        return { ...result, job: { ...result.job, targets } };
      },
    }));
    expect(String(error)).toMatch(/names provider "someone-else"/);
  });
});

describe('the validate check', () => {
  const bassWithVocals = (request: Omit<StartRequest, 'source'>) => {
    const stems = request.targets.map((target) => target.stem);
    if (stems.includes('bass') && stems.includes('vocals')) {
      throw new UnsupportedCapabilityError('stem:bass', 'no algorithm separates bass with vocals');
    }
  };
  const rejectedRequest = { stems: ['vocals', 'bass'], format: 'wav' } as const;

  it('passes a driver whose validate refuses what its start would', async () => {
    const error = await runCheck(
      'refuses a request the provider cannot serve',
      (driver) => ({ ...driver, validate: bassWithVocals }),
      { rejectedRequest: { ...rejectedRequest, stems: [...rejectedRequest.stems] } },
    );
    expect(error).toBeUndefined();
  });

  it('catches a validate that lets through what start refuses', async () => {
    const error = await runCheck(
      'refuses a request the provider cannot serve',
      (driver) => ({
        ...driver,
        validate: () => undefined,
        async start(request, options) {
          bassWithVocals(request);
          return driver.start(request, options);
        },
      }),
      { rejectedRequest: { ...rejectedRequest, stems: [...rejectedRequest.stems] } },
    );
    expect(error).toBeInstanceOf(ConformanceFailure);
    expect(String(error)).toMatch(/validate\(\) of the rejectedRequest/);
  });

  it('catches a wrapper that drops validate: the upload goes out before the refusal', async () => {
    const error = await runCheck(
      'refuses a request the provider cannot serve',
      (driver) => {
        const strict: StemkitDriver = { ...driver, validate: bassWithVocals };
        // A logging wrapper written the naive way: it forwards what it names, and `validate` is not among them.
        return {
          contract: strict.contract,
          provider: strict.provider,
          capabilities: strict.capabilities,
          fetch: strict.fetch,
          upload: (request, options) => strict.upload(request, options),
          async start(request, options) {
            bassWithVocals(request);
            return strict.start(request, options);
          },
          status: (handle, options) => strict.status(handle, options),
          link: (handle, request, options) => strict.link(handle, request, options),
        };
      },
      { rejectedRequest: { ...rejectedRequest, stems: [...rejectedRequest.stems] } },
    );
    expect(error).toBeInstanceOf(ConformanceFailure);
    expect(String(error)).toMatch(/sent [1-9]\d* request\(s\) before refusing .*a wrapper must forward it/);
  });

  it('passes the same wrapper once it forwards validate', async () => {
    const error = await runCheck(
      'refuses a request the provider cannot serve',
      (driver) => {
        const strict: StemkitDriver = { ...driver, validate: bassWithVocals };
        return {
          contract: strict.contract,
          provider: strict.provider,
          capabilities: strict.capabilities,
          fetch: strict.fetch,
          validate: (request) => strict.validate?.(request),
          upload: (request, options) => strict.upload(request, options),
          start: (request, options) => strict.start(request, options),
          status: (handle, options) => strict.status(handle, options),
          link: (handle, request, options) => strict.link(handle, request, options),
        };
      },
      { rejectedRequest: { ...rejectedRequest, stems: [...rejectedRequest.stems] } },
    );
    expect(error).toBeUndefined();
  });

  it('asks for a rejected request when the driver has validate', async () => {
    const error = await runCheck('refuses a request the provider cannot serve', (driver) => ({
      ...driver,
      validate: bassWithVocals,
    }));
    expect(String(error)).toMatch(/rejectedRequest/);
  });
});

describe('the handle check', () => {
  it('accepts a handle whose keys come in another order', async () => {
    const error = await runCheck('JSON-serialisable handle', (driver) => ({
      ...driver,
      async start(request, options) {
        const result = await driver.start(request, options);
        const { id, provider, contract } = result.handle;
        return { ...result, handle: { id, data: { region: 'eu' }, provider, contract } };
      },
    }));
    expect(error).toBeUndefined();
  });
});

describe('the credential guard check', () => {
  it('catches a driver that sends its credential to storage', async () => {
    const error = await runCheck('never sends the provider credential', (driver) => ({
      ...driver,
      async upload(request, options) {
        // A "pre-flight" to the storage host, with the API key attached.
        await driver.fetch!(`${MOCK_STORAGE_URL}files/probe?signature=abc`, {
          headers: { authorization: `Bearer ${MOCK_API_KEY}` },
        });
        return driver.upload(request, options);
      },
    }));
    expect(String(error)).toMatch(
      /authorization sent to https:\/\/storage\.mock\.stemkit\.test\/files\/probe/,
    );
  });
});

describe('the redirect check', () => {
  it('catches a driver whose API calls follow a redirect to another origin with an X-License-Key', async () => {
    const error = await runCheck('never follows an API redirect', (driver) => ({
      ...driver,
      async status(handle, options) {
        // Its own fetch with fetch's default `redirect: 'follow'`: fetch drops only `Authorization` off-origin.
        const response = await driver.fetch!(`${MOCK_API_URL}jobs/${encodeURIComponent(handle.id)}`, {
          headers: { 'X-License-Key': MOCK_API_KEY },
        });
        await response.body?.cancel();
        return driver.status(handle, options);
      },
    }));
    expect(error).toBeInstanceOf(ConformanceFailure);
    expect(String(error)).toMatch(
      /followed a redirect to another origin: x-license-key sent to \/v1\/jobs\//,
    );
  });

  it('passes the same driver once its credential goes through the HTTP toolkit', async () => {
    const error = await runCheck('never follows an API redirect', identity);
    expect(error).toBeUndefined();
  });

  it('fails a harness whose driver bypasses the faulty fetch, since it could not see a leak', async () => {
    const error = await runCheck('never follows an API redirect', (driver) => ({
      ...driver,
      status: async () => {
        throw new ProviderError('no request sent');
      },
    }));
    expect(String(error)).toMatch(/sent no request through the harness's fetch/);
  });

  describe('idempotent starts (issue #29)', () => {
    const declaring = (driver: StemkitDriver): StemkitDriver => ({
      ...driver,
      capabilities: { ...driver.capabilities, idempotentStart: true },
    });
    /** Repeats a start once after a 503, as the transport does for a call carrying a key. */
    const repeating =
      (start: StemkitDriver['start']): StemkitDriver['start'] =>
      async (request, options) =>
        start(request, options).catch((error: unknown) => {
          if (ProviderError.isInstance(error) && error.status === 503) return start(request, options);
          throw error;
        });

    it('catch a driver declaring idempotentStart whose start is not repeated after a lost answer', async () => {
      const error = await runCheck('idempotent starts', declaring);
      expect(String(error)).toMatch(/not repeated after a 503/);
    });

    it('catch a driver declaring idempotentStart that ignores the key (a second job)', async () => {
      const error = await runCheck('idempotent starts', (driver) => ({
        ...declaring(driver),
        start: repeating(driver.start),
      }));
      expect(String(error)).toMatch(/made a second job/);
    });

    it('pass a driver whose provider answers a repeated key with the first job', async () => {
      const error = await runCheck('idempotent starts', (driver) => {
        const byKey = new Map<string, ReturnType<StemkitDriver['start']>>();
        const start = repeating(driver.start);
        return {
          ...declaring(driver),
          start(request: StartRequest, options) {
            const key = request.idempotencyKey;
            if (key === undefined) return start(request, options);
            if (!byKey.has(key)) byKey.set(key, start(request, options));
            return byKey.get(key) as ReturnType<StemkitDriver['start']>;
          },
        };
      });
      expect(error).toBeUndefined();
    });
  });

  describe('batched status (issue #29)', () => {
    const batched = (driver: StemkitDriver, statusMany: StemkitDriver['statusMany']): StemkitDriver => ({
      ...driver,
      capabilities: { ...driver.capabilities, batchedStatus: { maxJobs: 200, requestsPerMinute: 30 } },
      statusMany,
    });

    it('catch a statusMany that sends one request per job', async () => {
      const error = await runCheck('batched status', (driver) =>
        batched(driver, (handles, options) =>
          Promise.all(handles.map((handle) => driver.status(handle, options))),
        ),
      );
      expect(String(error)).toMatch(/statusMany of 3 jobs sent 3 requests, expected 1/);
    });

    it('catch a statusMany without the batchedStatus declaration', async () => {
      const error = await runCheck('batched status', (driver) => ({
        ...driver,
        statusMany: (handles: readonly JobHandle[]) =>
          Promise.all(handles.map((handle) => driver.status(handle))),
      }));
      expect(String(error)).toMatch(/go together/);
    });
  });
});
