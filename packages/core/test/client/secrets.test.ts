import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createStemkit, type Logger } from '../../src/index.ts';
import { createMockDriver, createMockServer, sampleWav } from '../support/mock.ts';

const canary = 'sk-canary-5e1f0c9a8b7d';

describe('a canary credential', () => {
  it('never appears in an error message, a log line or a serialised error the client provokes', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (message, fields) => lines.push(message, JSON.stringify(fields ?? {})),
      info: (message, fields) => lines.push(message, JSON.stringify(fields ?? {})),
      warn: (message, fields) => lines.push(message, JSON.stringify(fields ?? {})),
    };
    const server = createMockServer({ statuses: ['queued', 'succeeded'] });
    const errors: unknown[] = [];
    const capture = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => errors.push(error),
      );

    // A refused credential, echoed back by the provider in its error body.
    const refused = createStemkit({ driver: createMockDriver({ server, apiKey: canary }), logger });
    server.fault('upload', { status: 401, body: { message: `API key ${canary} is not valid` } });
    await capture(refused.upload(sampleWav({ seconds: 0.05 })));
    await capture(refused.upload(sampleWav({ seconds: 0.05 })));

    // A working client whose polls fail, whose job fails and whose downloads fail.
    const working = createMockDriver({ server, retryLimit: 0 });
    const stemkit = createStemkit({
      driver: working,
      logger,
      wait: { initialDelayMs: 1, maxPollFailures: 1 },
    });
    const job = await stemkit.separate({ source: sampleWav({ seconds: 0.05 }), stems: ['vocals'] });
    server.fault('status', { status: 503, body: { message: `upstream saw Bearer ${canary}` } }, 503);
    await capture(stemkit.wait(job));
    const done = await stemkit.get(job);
    server.fault('storage', 403, 403);
    await capture(stemkit.download(done.targets[0]!.outputs[0]!));

    expect(errors).toHaveLength(4);
    const texts = [
      ...lines,
      ...errors.flatMap((error) => [
        String(error),
        JSON.stringify(error),
        inspect(error),
        (error as Error).stack,
      ]),
    ];
    // The canary did reach the messages (the provider echoed it), and was masked there.
    expect(texts.join('\n')).toContain('[redacted]');
    for (const text of texts) {
      expect(text).not.toContain(canary);
      expect(text).not.toMatch(/signature=(?!\[redacted\])\w/);
    }
  });
});
