import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, type LookupFunction } from 'node:net';
import { isReachableHost } from './hosts.ts';

/** A target the emulator will not contact: not loopback, or redirected away from it. */
export class RefusedTarget extends Error {
  override readonly name = 'RefusedTarget';
}

/** What the emulator sends to a link or a callback URL. */
export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** The final answer, after redirects; `body` is a plain Node stream (read it or `resume()` it). */
export interface OutboundResponse {
  status: number;
  body: IncomingMessage;
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 5;
/** A link or receiver silent for this long is given up on. */
const idleMilliseconds = 30_000;

// A name (`localhost`, `*.localhost`, `*.test`) is connected to only if every address it resolves to is
// loopback: the connection uses the address checked here, so a second resolution cannot send it elsewhere.
const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { family: options.family, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 4);
    const inside = addresses.filter((each) =>
      loopback.check(each.address, each.family === 6 ? 'ipv6' : 'ipv4'),
    );
    const first = inside[0];
    if (!first || inside.length !== addresses.length) {
      return callback(new RefusedTarget(`${hostname} is not a loopback host`), '', 4);
    }
    if (options.all) (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, inside);
    else callback(null, first.address, first.family);
  });
};

function send(url: URL, init: OutboundRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: init.method ?? 'GET',
      headers: { 'user-agent': 'stemkit-emulator', ...init.headers },
      signal: init.signal,
      lookup: loopbackLookup,
      // A socket of its own: the lookup runs for every connection.
      agent: false,
    });
    request.setTimeout(idleMilliseconds, () => request.destroy(new Error('The host did not answer in time')));
    request.on('response', resolve);
    request.on('error', reject);
    request.end(init.body);
  });
}

/**
 * Sends one request to a loopback or `.test` URL with Node's own HTTP client (whose streams carry backpressure
 * to the socket, as `fetch` over a server closing the connection did not: see issue #19, item 1), following
 * redirects only as long as they stay on such hosts. The emulator never reaches the network.
 */
export async function requestLoopback(url: string, init: OutboundRequest): Promise<OutboundResponse> {
  let target = url;
  let method = init.method ?? 'GET';
  let body = init.body;
  for (let hop = 0; ; hop += 1) {
    if (!isReachableHost(target)) {
      throw new RefusedTarget(hop === 0 ? 'not a loopback host' : 'a redirect led away from loopback');
    }
    const response = await send(new URL(target), { ...init, method, body });
    const location = response.headers.location;
    if (!redirectStatuses.has(response.statusCode ?? 0) || !location) {
      return { status: response.statusCode ?? 0, body: response };
    }
    response.resume();
    if (hop >= maxRedirects) throw new Error('Too many redirects');
    target = new URL(location, target).href;
    // As browsers do: 303, and a POST answered 301 or 302, continue as a GET without the body.
    if (
      response.statusCode === 303 ||
      (method === 'POST' && response.statusCode !== 307 && response.statusCode !== 308)
    ) {
      method = 'GET';
      body = undefined;
    }
  }
}
