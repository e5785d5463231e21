/**
 * A loopback trap, preloaded (`node --import`) into the servers the hostile suite starts, so that nothing they
 * do can leave the machine, and any attempt is on record:
 *
 * - the resolver is replaced: names listed in `STEMKIT_TRAP_HOSTS` (JSON, name → addresses) resolve to those
 *   addresses, every other name fails with ENOTFOUND, so no DNS query is sent;
 * - every TCP connection is checked: to a loopback address it goes ahead, to any other it fails with
 *   ECONNREFUSED, before a packet is sent, and a line is appended to `STEMKIT_TRAP_LOG`.
 */
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

type Address = { address: string; family: number };
type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | Address[],
  family?: number,
) => void;
type Lookup = (hostname: string, options: unknown, callback: LookupCallback) => void;

const hosts = JSON.parse(process.env.STEMKIT_TRAP_HOSTS ?? '{}') as Record<string, string[]>;
const log = process.env.STEMKIT_TRAP_LOG;

function record(kind: 'connect' | 'lookup', target: string): void {
  if (log) appendFileSync(log, `${JSON.stringify({ kind, target, pid: process.pid })}\n`);
}

const isLoopback = (address: string) =>
  /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);

function resolve(hostname: string): Address[] {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  const family = net.isIP(name);
  if (family) return [{ address: name, family }];
  if (name === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  return (hosts[name] ?? []).map((address) => ({ address, family: net.isIP(address) }));
}

const fakeLookup: Lookup = (hostname, options, callback) => {
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
  const found = resolve(hostname);
  process.nextTick(() => {
    const first = found[0];
    if (!first) {
      record('lookup', hostname);
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname} (loopback trap)`);
      error.code = 'ENOTFOUND';
      return callback(error, '', 4);
    }
    if (all) callback(null, found);
    else callback(null, first.address, first.family);
  });
};

function refused(target: string): NodeJS.ErrnoException {
  record('connect', target);
  const error: NodeJS.ErrnoException = new Error(`connect ECONNREFUSED ${target} (loopback trap)`);
  error.code = 'ECONNREFUSED';
  return error;
}

/** A lookup whose answers must all be loopback, else the connection is refused. */
function checked(lookup: Lookup, port: unknown): Lookup {
  return (hostname, options, callback) =>
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const list = Array.isArray(address) ? address.map((each) => each.address) : [address];
      const outside = list.find((each) => !isLoopback(each));
      if (outside) return callback(refused(`${hostname} → ${outside}:${String(port)}`), '', 4);
      callback(null, address, family);
    });
}

dns.lookup = fakeLookup as unknown as typeof dns.lookup;
const promisesLookup = (hostname: string, options?: unknown) =>
  new Promise((done, fail) =>
    fakeLookup(hostname, options ?? {}, (error, address, family) =>
      error ? fail(error) : done(Array.isArray(address) ? address : { address, family }),
    ),
  );
dns.promises.lookup = promisesLookup as unknown as typeof dns.promises.lookup;
syncBuiltinESMExports();

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function trappedConnect(this: net.Socket, ...args: unknown[]) {
  // net.connect passes `[options, callback]` as one array; a direct call passes them as arguments.
  const normalized = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const first = normalized[0];
  const options = (typeof first === 'object' && first !== null ? first : undefined) as
    | (net.TcpSocketConnectOpts & { path?: string })
    | undefined;
  if (
    !options &&
    (typeof first === 'number' || typeof first === 'string') &&
    typeof normalized[1] === 'string'
  ) {
    // connect(port, host): the same checks, through the options form.
    const callback = normalized.find((each) => typeof each === 'function');
    return this.connect({ port: Number(first), host: normalized[1] }, callback as () => void);
  }
  if (options && !options.path) {
    const host = options.host ?? 'localhost';
    if (net.isIP(host)) {
      if (!isLoopback(host)) {
        const error = refused(`${host}:${options.port}`);
        process.nextTick(() => this.destroy(error));
        return this;
      }
    } else {
      options.lookup = checked((options.lookup as Lookup | undefined) ?? fakeLookup, options.port) as never;
    }
  }
  return connect.apply(this, args as Parameters<typeof connect>);
} as typeof net.Socket.prototype.connect;
