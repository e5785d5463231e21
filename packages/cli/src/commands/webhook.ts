import type { StemkitDriver } from '@stemkit/core';
import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { printResult } from '../output/result.ts';
import { openSession, type SessionFlags, withSessionFlags } from '../session.ts';

/** A driver with an account webhook to register (the Tasks API's `POST /webhooks`). */
interface WebhookDriver extends StemkitDriver {
  registerWebhook(url: string, options?: { signal?: AbortSignal }): Promise<{ readonly url: string }>;
}

function hasAccountWebhook(driver: StemkitDriver): driver is WebhookDriver {
  return typeof (driver as Partial<WebhookDriver>).registerWebhook === 'function';
}

/**
 * `stemkit webhook <url>`: registers the account's webhook, where the provider posts a job each time one of its
 * targets finishes. The AudioShake Tasks API has one per account instead of `separate --callback-url`;
 * elsewhere it is refused with exit code 2 before any request.
 *
 * @example
 * ```sh
 * stemkit webhook https://app.example.com/stemkit/callbacks --provider audioshake
 * ```
 */
export function webhookCommand(context: CliContext): Command {
  return withSessionFlags(
    new Command('webhook')
      .description(
        "register the account's webhook URL, where the provider posts job changes (AudioShake Tasks API: one per account)",
      )
      .argument('<url>', 'an http(s) URL the provider can reach; registering again replaces it'),
  ).action(async (url: string, flags: SessionFlags) => {
    if (!/^https?:\/\/[^/]/i.test(url)) throw new UsageError(`<url> must be an http(s) URL (got "${url}")`);
    const session = await openSession(context, flags);
    try {
      const { driver } = session;
      if (!hasAccountWebhook(driver)) {
        const instead =
          driver.capabilities.callbacks === 'per-job'
            ? ': its callbacks are per job, `stemkit separate --callback-url`'
            : '';
        throw new UsageError(`${driver.provider} has no account webhook${instead}`);
      }
      const registered = await driver.registerWebhook(url, { signal: context.signal });
      printResult(context, {
        text: `webhook registered on ${driver.provider}: ${registered.url}`,
        json: { provider: driver.provider, url: registered.url },
      });
    } finally {
      await session.close();
    }
  });
}
