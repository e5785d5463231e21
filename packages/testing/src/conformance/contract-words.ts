import { createStemkit } from '@stemkit/core';
import { type JobHandle, type StartRequest, StemkitError } from '@stemkit/core/driver';
import { check, describeError } from './assert.ts';
import type { ConformanceCheck } from './checks.ts';
import type { ConformanceContext } from './context.ts';

/** The conformance request, from the conformance job's source, with `idempotencyKey`. */
async function keyedRequest(context: ConformanceContext, idempotencyKey: string): Promise<StartRequest> {
  const { source } = await context.startedJob();
  const { request } = context.harness;
  return {
    source: { asset: source },
    targets: request.stems.map((stem) => ({ stem, formats: [request.format] })),
    idempotencyKey,
  };
}

/** A fresh key in the UUID form every provider with keys takes. */
const freshKey = (): string => globalThis.crypto.randomUUID();

/** `idempotentStart`: a start repeated with its key makes no second job; see `StartRequest.idempotencyKey`. */
export const idempotentStartCheck: ConformanceCheck = {
  name: 'idempotent starts, where declared: a start whose answer was lost is repeated with its key, and a start repeated with the same key makes no second job',
  async run(context) {
    const { harness } = context;
    const { driver } = harness;
    if (driver.capabilities.idempotentStart !== true) return;
    const request = await keyedRequest(context, freshKey());
    // The first attempt answered 503 (made nothing here): a start carrying a key may be repeated by the transport.
    harness.failNextRequests(503, 1);
    const first = await driver.start(request).catch((error: unknown) => {
      throw new Error(
        `a start with an idempotency key was not repeated after a 503 (the transport may retry it): ${describeError(error)}`,
      );
    });
    const again = await driver.start(request).catch((error: unknown) => error);
    if (StemkitError.isInstance(again)) {
      // A refusal (the key was used) makes nothing either; any other error is a failed check.
      check(
        !again.retryable || again.createdNothing,
        `a start repeated with its key failed with ${describeError(again)}, neither the first job nor a refusal`,
      );
    } else {
      const repeated = again as Awaited<ReturnType<typeof driver.start>>;
      check(
        repeated.handle.id === first.handle.id,
        `a start repeated with the same idempotency key made a second job (${first.handle.id}, then ${repeated.handle.id})`,
      );
    }
    const other = await driver.start({ ...request, idempotencyKey: freshKey() });
    check(
      other.handle.id !== first.handle.id,
      'a start with another idempotency key answered with the first job: the key must name one job',
    );
  },
};

/** `batchedStatus`: many jobs per status request, and `wait` on them within the declared budget. */
export const batchedStatusCheck: ConformanceCheck = {
  name: 'batched status, where declared: statusMany answers many jobs in one request, in order, and waiting on them stays within the request budget',
  async run(context) {
    const { harness } = context;
    const { driver } = harness;
    const budget = driver.capabilities.batchedStatus;
    check(
      (budget === undefined) === (driver.statusMany === undefined),
      'statusMany and capabilities.batchedStatus go together: declare both or neither',
    );
    if (!budget || !driver.statusMany) return;
    check(
      budget.maxJobs >= 2 && budget.requestsPerMinute > 0,
      'batchedStatus must allow 2 jobs or more a call',
    );
    const { start } = await context.startedJob();
    const more = await Promise.all(
      [freshKey(), freshKey()].map(async (key) => {
        const request = await keyedRequest(context, key);
        const { idempotencyKey: _unused, ...plain } = request;
        return driver.start(driver.capabilities.idempotentStart ? request : plain);
      }),
    );
    const handles: JobHandle[] = [start.handle, ...more.map((each) => each.handle)];
    const before = context.requestsSent();
    const results = await driver.statusMany(handles);
    const sent = context.requestsSent() - before;
    check(sent === 1, `statusMany of ${handles.length} jobs sent ${sent} requests, expected 1`);
    check(
      results.length === handles.length,
      `statusMany of ${handles.length} jobs answered ${results.length} statuses`,
    );
    results.forEach((result, index) => {
      check(
        result.job.handle.id === handles[index]?.id,
        `statusMany answered job ${result.job.handle.id} at position ${index}, expected ${handles[index]?.id}`,
      );
    });
    // Through the client: every wait's polls coalesce into calls no more frequent than the budget.
    const stemkit = createStemkit({ driver, wait: { initialDelayMs: 100, maxDelayMs: 1_000 } });
    const waitedFrom = Date.now();
    const waitedBefore = context.requestsSent();
    await Promise.all(handles.map((handle) => stemkit.wait(handle).catch(() => undefined)));
    const waited = context.requestsSent() - waitedBefore;
    const allowed = Math.floor(((Date.now() - waitedFrom) * budget.requestsPerMinute) / 60_000) + 1;
    check(
      waited <= allowed,
      `waiting on ${handles.length} jobs sent ${waited} status requests, more than the budget of ${budget.requestsPerMinute} a minute allows (${allowed})`,
    );
  },
};
