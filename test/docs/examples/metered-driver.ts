// A driver that wraps another and counts provider operations: small, but it shows the contract's rules —
// single-shot methods, optional methods present only when they work, errors passed through untouched, and
// `validate` forwarded, so a request the provider refuses still costs no upload.
import type { StemkitDriver } from '@stemkit/core/driver';

export interface MeteredDriver extends StemkitDriver {
  /** Provider operations made so far, by method name. */
  readonly calls: ReadonlyMap<string, number>;
}

export function metered(inner: StemkitDriver): MeteredDriver {
  const calls = new Map<string, number>();
  function counted<Arguments extends unknown[], Result>(
    method: string,
    call: (...args: Arguments) => Result,
  ): (...args: Arguments) => Result {
    return (...args) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      return call.apply(inner, args);
    };
  }
  return {
    contract: inner.contract,
    provider: inner.provider,
    capabilities: inner.capabilities,
    fetch: inner.fetch,
    calls,
    upload: counted('upload', inner.upload),
    start: counted('start', inner.start),
    status: counted('status', inner.status),
    link: counted('link', inner.link),
    // Sends nothing, so it is not counted; dropping it would let the client upload before the provider refuses.
    ...(inner.validate && { validate: inner.validate.bind(inner) }),
    // An optional method is itself a capability signal: offer it only when the inner driver has it.
    ...(inner.inspect && { inspect: counted('inspect', inner.inspect) }),
    ...(inner.mix && { mix: counted('mix', inner.mix) }),
    ...(inner.zip && { zip: counted('zip', inner.zip) }),
    ...(inner.list && { list: counted('list', inner.list) }),
    ...(inner.usage && { usage: counted('usage', inner.usage) }),
    ...(inner.cancel && { cancel: counted('cancel', inner.cancel) }),
    ...(inner.parseCallback && { parseCallback: inner.parseCallback.bind(inner) }),
  };
}
