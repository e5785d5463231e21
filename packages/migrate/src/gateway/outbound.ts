import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which private networks the gateway may reach when it fetches a `/upload/link` link or POSTs a callback. By
 * default only public addresses: never loopback, private (RFC 1918, IPv6 unique-local), CGNAT, link-local
 * (cloud metadata at 169.254.169.254 included), multicast or reserved ones, checked after DNS resolution and at
 * every redirect.
 *
 * @example
 * ```ts
 * const access: NetworkAccess = { allowHosts: ['files.internal', '10.20.0.0/16'] };
 * ```
 */
export interface NetworkAccess {
  /** Also reach loopback, private, unique-local and CGNAT addresses (not link-local: list those explicitly). */
  readonly allowPrivateNetwork?: boolean;
  /**
   * Host names (any address they resolve to) and address ranges in CIDR notation (`10.20.0.0/16`,
   * `fd12::/64`, `169.254.169.254/32`) reached whatever their kind.
   */
  readonly allowHosts?: readonly string[];
}

/**
 * The one failure of an outbound request: the target was refused, did not resolve, did not answer, or
 * redirected too often. The message is the same in every case, so answers cannot be used to probe a network.
 */
export class UnreachableTarget extends Error {
  override readonly name = 'UnreachableTarget';
  /** True when the policy refused the target (never worth retrying); never shown to a client. */
  readonly refused: boolean;

  constructor(refused: boolean) {
    super('The target could not be reached');
    this.refused = refused;
  }
}

/** A request the gateway sends: a link fetch (GET) or a callback (POST with a JSON body). */
export interface OutboundRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** The final answer, after redirects; `body` is a Node stream to read or `resume()`. */
export interface OutboundResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: IncomingMessage;
}

/** Sends requests within a {@link NetworkAccess} policy. */
export interface Outbound {
  /** Sends a request, following redirects within the policy; fails with {@link UnreachableTarget}. */
  request(url: string, init?: OutboundRequest): Promise<OutboundResponse>;
  /** Checks that a URL's host is within the policy now (for a URL that someone else will fetch). */
  check(url: string): Promise<void>;
}

const privateRanges = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 5;
/** A target silent for this long is given up on. */
const idleMilliseconds = 30_000;

/**
 * The outbound requester of a policy. Every hop of a request is checked: the scheme (http or https), the host
 * name against `allowHosts`, then every address it resolves to; the connection is made to the addresses
 * checked, so a second resolution cannot point it elsewhere. Redirects are followed by hand, at most 5.
 * Throws `RangeError` for an `allowHosts` entry that is neither a host name nor a CIDR range.
 */
export function createOutbound(access: NetworkAccess = {}): Outbound {
  const names = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of access.allowHosts ?? []) {
    if (entry.includes('/')) {
      try {
        ranges.push(ipaddr.parseCIDR(entry));
      } catch {
        throw new RangeError(`Not a CIDR range: ${entry}`);
      }
    } else if (/^[a-z0-9.-]+$/i.test(entry) || ipaddr.isValid(entry)) {
      names.add(normalHost(entry));
    } else {
      throw new RangeError(`Not a host name or a CIDR range: ${entry}`);
    }
  }

  const allowsAddress = (address: string): boolean => {
    if (!ipaddr.isValid(address)) return false;
    const parsed = ipaddr.process(address);
    if (ranges.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits))) return true;
    const range = parsed.range();
    return range === 'unicast' || (access.allowPrivateNetwork === true && privateRanges.has(range));
  };

  /** The addresses a URL's host may be connected to; refused when any of them is outside the policy. */
  const addressesOf = async (url: URL): Promise<LookupAddress[]> => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnreachableTarget(true);
    const host = normalHost(url.hostname);
    const literal = isIP(host);
    const addresses = literal
      ? [{ address: host, family: literal }]
      : await dnsLookup(host, { all: true }).catch(() => {
          throw new UnreachableTarget(false);
        });
    if (names.has(host)) return addresses;
    if (addresses.length === 0 || !addresses.every((each) => allowsAddress(each.address))) {
      throw new UnreachableTarget(true);
    }
    return addresses;
  };

  const send = (url: URL, addresses: LookupAddress[], init: OutboundRequest) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const pinned: LookupFunction = (_hostname, options, callback) => {
        const matching = addresses.filter((each) => !options.family || each.family === options.family);
        const first = matching[0];
        if (!first) return callback(new UnreachableTarget(false), '', 4);
        if (options.all) (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, matching);
        else callback(null, first.address, first.family);
      };
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        method: init.method ?? 'GET',
        headers: { 'user-agent': 'stemkit-gateway', ...init.headers },
        ...(init.signal ? { signal: init.signal } : {}),
        lookup: pinned,
        // A socket of its own, so the lookup above is the one used.
        agent: false,
      });
      request.setTimeout(idleMilliseconds, () => request.destroy(new UnreachableTarget(false)));
      request.on('response', resolve);
      request.on('error', reject);
      request.end(init.body);
    });

  const parse = (url: string): URL => {
    try {
      return new URL(url);
    } catch {
      throw new UnreachableTarget(true);
    }
  };

  const request: Outbound['request'] = async (url, init = {}) => {
    let target = parse(url);
    let { method = 'GET', body } = init;
    for (let hop = 0; ; hop++) {
      const addresses = await addressesOf(target);
      const response = await send(target, addresses, { ...init, method, body }).catch((error: unknown) => {
        if (init.signal?.aborted) throw error;
        throw error instanceof UnreachableTarget ? error : new UnreachableTarget(false);
      });
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (!redirectStatuses.has(status) || !location)
        return { status, headers: response.headers, body: response };
      response.resume();
      if (hop >= maxRedirects) throw new UnreachableTarget(false);
      try {
        target = new URL(location, target);
      } catch {
        throw new UnreachableTarget(false);
      }
      // As browsers do: 303, and a POST answered 301 or 302, go on as a GET without the body.
      if (status === 303 || (method === 'POST' && status !== 307 && status !== 308)) {
        method = 'GET';
        body = undefined;
      }
    }
  };

  return {
    request,
    async check(url) {
      await addressesOf(parse(url));
    },
  };
}

/** A host as compared: lower case, without IPv6 brackets or a final dot. */
function normalHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}
