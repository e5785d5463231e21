import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  type CallbackRequest,
  DRIVER_CONTRACT_VERSION,
  InvalidArgumentError,
  signStandardWebhook,
  verifyStandardWebhook,
} from '../../src/driver/index.ts';
import { createCallbackReceiver, createStemkit, type StemkitDriver } from '../../src/index.ts';
import { createMockDriver } from '../support/mock.ts';

// The Svix vector of the Replicate client's own test-suite (see the provider note, §6.2).
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

function deliveryHeaders(id: string, timestamp: number, signature: string): Headers {
  return new Headers({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  });
}

describe('the Standard Webhooks verifier of the driver kit', () => {
  it('signs the published test vector exactly', async () => {
    const signature = await signStandardWebhook(vector.id, vector.timestamp, vector.body, vector.secret);
    expect(`v1,${signature}`).toBe(vector.signature);
  });

  it('accepts what the standardwebhooks package signs, and the package accepts what it signs', async () => {
    const secret = 'whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH';
    const reference = new Webhook(secret);
    const now = new Date();
    const body = '{"id":"gm3qorzdhgbfurvjtvhg6dckhu","status":"succeeded"}';
    const theirs = reference.sign('msg_1', now, body);
    await verifyStandardWebhook(
      { headers: deliveryHeaders('msg_1', Math.floor(now.getTime() / 1000), theirs), rawBody: body },
      { secret },
    );
    const seconds = Math.floor(now.getTime() / 1000);
    const ours = `v1,${await signStandardWebhook('msg_2', seconds, body, secret)}`;
    expect(() =>
      reference.verify(body, {
        'webhook-id': 'msg_2',
        'webhook-timestamp': String(seconds),
        'webhook-signature': ours,
      }),
    ).not.toThrow();
  });

  it('refuses a tampered body, naming webhook-signature and never the secret', async () => {
    const error = await verifyStandardWebhook(
      {
        headers: deliveryHeaders(vector.id, vector.timestamp, vector.signature),
        rawBody: '{"test": 2432232315}',
      },
      { secret: vector.secret, now: vector.timestamp * 1000 },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(String((error as InvalidArgumentError).message)).toContain('webhook-signature');
    expect(JSON.stringify(error)).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  });

  it('refuses a replay: a genuine delivery sent again outside the window', async () => {
    const delivery = {
      headers: deliveryHeaders(vector.id, vector.timestamp, vector.signature),
      rawBody: vector.body,
    };
    await verifyStandardWebhook(delivery, { secret: vector.secret, now: vector.timestamp * 1000 });
    await expect(
      verifyStandardWebhook(delivery, { secret: vector.secret, now: (vector.timestamp + 301) * 1000 }),
    ).rejects.toThrow(/webhook-timestamp.*replay/);
  });

  it('refuses an unsigned delivery and a signature of another version', async () => {
    await expect(
      verifyStandardWebhook({ headers: new Headers(), rawBody: vector.body }, { secret: vector.secret }),
    ).rejects.toThrow(/webhook-id/);
    const v2 = vector.signature.replace('v1,', 'v2,');
    await expect(
      verifyStandardWebhook(
        { headers: deliveryHeaders(vector.id, vector.timestamp, v2), rawBody: vector.body },
        { secret: vector.secret, now: vector.timestamp * 1000 },
      ),
    ).rejects.toThrow(/webhook-signature/);
  });
});

/** A mock driver whose `parseCallback` is async and records what it was handed. */
function recordingDriver() {
  const driver = createMockDriver({ retryLimit: 0 });
  const seen: CallbackRequest[] = [];
  const recording: StemkitDriver = {
    ...driver,
    capabilities: { ...driver.capabilities, signedCallbacks: true },
    async parseCallback(request) {
      seen.push(request);
      await Promise.resolve();
      return { handle: { contract: DRIVER_CONTRACT_VERSION, provider: driver.provider, id: 'job-1' } };
    },
  };
  return { driver: recording, seen };
}

describe('callbacks carry the raw body and headers from every entry point', () => {
  const raw = '{ "job" : { "id": "job-1" } }';

  it('stemkit.callbacks.parse: a Request, a string and bytes all reach the driver raw, and it may be async', async () => {
    const { driver, seen } = recordingDriver();
    const stemkit = createStemkit({ driver });
    const headers = new Headers({ 'webhook-id': 'msg_1' });
    await stemkit.callbacks.parse(
      new Request('http://127.0.0.1/hook', { method: 'POST', headers, body: raw }),
    );
    await stemkit.callbacks.parse({ headers, body: raw });
    await stemkit.callbacks.parse({ headers, body: new TextEncoder().encode(raw) });
    await stemkit.callbacks.parse({ headers, body: JSON.parse(raw) });
    expect(seen.map((request) => request.rawBody)).toEqual([raw, raw, raw, undefined]);
    expect(seen.every((request) => request.headers.get('webhook-id') === 'msg_1')).toBe(true);
    expect(seen[0]?.body).toEqual({ job: { id: 'job-1' } });
    expect(stemkit.capabilities.signedCallbacks).toBe(true);
  });

  it('createCallbackReceiver: the driver gets the bytes as posted, not a re-serialised object', async () => {
    const { driver, seen } = recordingDriver();
    const receive = createCallbackReceiver(createStemkit({ driver }));
    const response = await receive(
      new Request('http://127.0.0.1/hook', {
        method: 'POST',
        headers: { 'webhook-id': 'msg_9', 'content-type': 'application/json' },
        body: raw,
      }),
    );
    expect(response.status).toBe(204);
    expect(seen[0]?.rawBody).toBe(raw);
    expect(seen[0]?.headers.get('webhook-id')).toBe('msg_9');
  });
});
