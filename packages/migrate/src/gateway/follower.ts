import { isTerminal, type Job } from '@stemkit/core';
import { deliverCallback } from './callbacks.ts';
import { type GatewayContext, jobBody, observe, statusOf } from './context.ts';
import { type GatewayJob, isFinalStatus } from './store.ts';

/** How a gateway sends its jobs' callbacks: following jobs, and telling what a poll saw. */
export interface CallbackFollower {
  /**
   * Follows a job with a callback URL and sends the callback of every legacy status change, until it ends;
   * `known` is the backend job as last seen, when the caller has it; a job just `made` is announced `created`
   * first, as the legacy API does. A job is followed once per gateway.
   */
  follow(record: GatewayJob, base: string, known?: Job, made?: boolean): void;
  /**
   * After a poll saw `job`: sends its status if nobody has (a follower killed with its gateway), and takes the
   * job over when no running gateway follows it.
   */
  polled(record: GatewayJob, job: Job | undefined, base: string): void;
  /** Follows again the jobs a restarted gateway (or one that took them over) owes callbacks. */
  resume(base: string): Promise<void>;
  /** Stops following and waits for every delivery under way. */
  close(): Promise<void>;
}

/** The callback follower of a gateway. */
export function createCallbackFollower(context: GatewayContext): CallbackFollower {
  const { client, store } = context;
  const closing = new AbortController();
  const watchers = new Set<Promise<void>>();
  /** The jobs this gateway follows. */
  const followed = new Set<string>();

  /** Runs work close() waits for. */
  const track = (work: Promise<unknown>): void => {
    const watcher = work.then(
      () => undefined,
      () => undefined,
    );
    watchers.add(watcher);
    watcher.finally(() => watchers.delete(watcher));
  };

  /**
   * Sends the callback of the status the job stands at, if this gateway is the one to: the store grants each
   * status to one claimant only, whichever gateway (follower or poll) saw it first.
   */
  const announce = async (record: GatewayJob, job: Job | undefined, base: string): Promise<void> => {
    if (!record.callbackUrl || closing.signal.aborted) return;
    if (!(await store.claimCallback(record.id, statusOf(record, job)))) return;
    const body = await jobBody(context, record, job, base);
    await deliverCallback(record.callbackUrl, body, context.outbound, closing.signal);
  };

  const follow: CallbackFollower['follow'] = (record, base, known, made = false) => {
    if (followed.has(record.id)) return;
    followed.add(record.id);
    const signal = closing.signal;
    const run = async () => {
      if (made || !record.handle) await announce(record, undefined, base);
      if (!record.handle) return;
      const first = known ?? (await client.get(record.handle, { signal }));
      await observe(context, record, first);
      await announce(record, first, base);
      let chain = Promise.resolve();
      const onProgress = (job: Job) => {
        chain = chain.then(async () => {
          await observe(context, record, job);
          await announce(record, job, base);
        });
      };
      await client.wait(record.handle, { signal, onProgress }).catch(() => undefined);
      await chain;
      if (signal.aborted) return;
      const final = await client.get(record.handle, { signal }).catch(() => undefined);
      if (final && isTerminal(final.status)) {
        await observe(context, record, final);
        await announce(record, final, base);
      }
    };
    track(run().finally(() => followed.delete(record.id)));
  };

  return {
    follow,
    polled(record, job, base) {
      if (!record.callbackUrl || (record.handle && !job)) return;
      // What this poll saw is told to the callback once, by whoever claims it first: so a status seen here
      // while the job's follower is gone (its gateway killed) is still sent, and never marked sent unsent.
      track(announce(record, job, base));
      if (!isFinalStatus(statusOf(record, job)) && !followed.has(record.id)) {
        // A job whose follower has gone is taken over by the first gateway asked about it.
        track(store.claimFollowing(record.id).then((mine) => mine && follow(record, base, job)));
      }
    },
    async resume(base) {
      for (const record of await store.jobsOwingCallbacks()) follow(record, base);
    },
    async close() {
      closing.abort();
      await Promise.all([...watchers]);
    },
  };
}
