import type { CallbackHint, CallbackRequest } from '../driver/contract.ts';
import { InvalidArgumentError } from '../errors.ts';
import { JobHandleSchema } from '../model/handle.ts';
import { JobStatusSchema } from '../model/status.ts';
import { requireCapability } from './capabilities.ts';
import type { ClientContext } from './context.ts';
import type { CallbackInput } from './types.ts';

/**
 * Reads an incoming callback into the handle of the job to re-fetch. The body is only a hint: fetch the job
 * (`get`) before acting on it.
 */
export async function parseCallback(context: ClientContext, input: CallbackInput): Promise<CallbackHint> {
  const { driver } = context;
  requireCapability(context, 'callbacks', driver.parseCallback !== undefined);
  let request: CallbackRequest;
  if (input instanceof Request) {
    request = fromRaw(input.headers, await input.text());
  } else if (
    typeof input === 'object' &&
    input !== null &&
    input.headers instanceof Headers &&
    'body' in input
  ) {
    const { body } = input;
    // A raw body (what `express.raw()` leaves, or a string) is kept as it came, for the signature.
    if (typeof body === 'string') request = fromRaw(input.headers, body);
    else if (body instanceof Uint8Array) request = fromRaw(input.headers, new TextDecoder().decode(body));
    else request = { headers: input.headers, body };
  } else {
    throw new InvalidArgumentError('request', 'must be a Request or { headers: Headers, body }');
  }
  const hint = await driver.parseCallback!(request);
  const handle = JobHandleSchema.safeParse(hint.handle);
  if (!handle.success || handle.data.provider !== driver.provider) {
    throw new InvalidArgumentError('request', `is not a callback ${driver.provider} sent`);
  }
  const { claimedStatus, ...rest } = hint;
  // A claim a driver could not put in stemkit's terms is no claim.
  const claimed = JobStatusSchema.safeParse(claimedStatus);
  return { ...rest, handle: handle.data, ...(claimed.success ? { claimedStatus: claimed.data } : {}) };
}

/** A callback whose body came raw: kept as text, and parsed from JSON (an empty body is `''`). */
function fromRaw(headers: Headers, rawBody: string): CallbackRequest {
  let body: unknown = rawBody;
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new InvalidArgumentError('request.body', 'must be JSON');
    }
  }
  return { headers, body, rawBody };
}
