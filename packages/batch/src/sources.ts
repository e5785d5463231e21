import { lstat, readlink, realpath, stat, statfs } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InvalidArgumentError } from '@stemkit/core';

/**
 * Which local files a batch or a worker may read and send to the provider. A manifest is written by whoever
 * queued it, not by whoever runs it: without a rule, a row `{"source": "/proc/self/environ"}` ships the worker's
 * environment (its credentials) to the provider as "audio".
 *
 * - pseudo-filesystems (`/proc`, `/sys`, `/dev` and any mount of procfs, sysfs, devpts…, reached directly or
 *   through a symbolic link) are always refused, as is anything that is not a regular file;
 * - with a `root`, a local source must resolve (symbolic links followed) to a file inside it;
 * - `localFiles: false` refuses every local source (URL sources only): a worker's default without a root.
 */
export interface SourceRule {
  /** The folder local sources must be inside, once symbolic links are resolved. */
  readonly root?: string;
  /** Whether local files may be read at all (default true). */
  readonly localFiles?: boolean;
}

/** Path prefixes of the pseudo-filesystems a manifest must never reach. */
const PSEUDO_PATHS = ['/proc', '/sys', '/dev'];

/** `statfs` magic numbers of pseudo-filesystems (Linux `magic.h`): procfs, sysfs, devpts, debugfs, tracefs… */
const PSEUDO_FILESYSTEMS = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x1cd1, // devpts
  0x64626720, // debugfs
  0x74726163, // tracefs
  0x73636673, // securityfs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0x6e736673, // nsfs
  0xcafe4a11, // bpf
  0x42494e4d, // binfmt_misc
  0x50495045, // pipefs
  0x534f434b, // sockfs
  0xde5e81e4, // efivarfs
]);

/**
 * Checks a track's source against the rule before anything reads it. Returns what to read: a URL as it is, a
 * local path as its real path (so a symbolic link swapped after the check is not followed again). Throws an
 * {@link InvalidArgumentError} naming `source` when the file may not be read; a file that does not exist is left
 * to the upload, which says so.
 */
export async function checkSource(source: string, rule: SourceRule): Promise<string> {
  if (/^https?:\/\//i.test(source)) return source;
  if (rule.localFiles === false && rule.root === undefined) {
    throw new InvalidArgumentError(
      'source',
      'is a local file, and this worker reads none: give it a sources folder (stemkit worker --sources DIR) to read local files from',
    );
  }
  const given = resolve(source);
  if (isPseudoPath(given)) throw pseudo();
  const root =
    rule.root === undefined ? undefined : await realpath(rule.root).catch(() => resolve(rule.root as string));
  const real = await realpath(given).catch(() => undefined);
  if (real === undefined) {
    // Missing or unreadable: the upload says so, as for any other track; where it would be (its nearest
    // existing folder resolved) must still pass the rule, so the answer tells nothing of what exists there.
    const where = await resolveExisting(given);
    if (isPseudoPath(where)) throw pseudo();
    if (root !== undefined && !isInside(root, where)) throw outside(rule.root as string);
    return given;
  }
  if (isPseudoPath(real)) throw pseudo();
  // Outside the root, nothing more is said of the file (not even whether it is one).
  if (root !== undefined && !isInside(root, real)) throw outside(rule.root as string);
  const [info, filesystem] = await Promise.all([stat(real), statfs(real).catch(() => undefined)]);
  if (filesystem !== undefined && PSEUDO_FILESYSTEMS.has(Number(filesystem.type))) throw pseudo();
  if (!info.isFile()) {
    throw new InvalidArgumentError(
      'source',
      'is not a regular file (a folder, a device, a pipe or a socket)',
    );
  }
  return real;
}

/**
 * Where a path that cannot be resolved whole leads: its links followed as far as they go (a link to a missing
 * file, or to `/proc/self/fd/0` → `pipe:[…]`), then the nearest existing folder's real path with the rest joined.
 */
async function resolveExisting(path: string, depth = 0): Promise<string> {
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined) return real;
  const info = await lstat(path).catch(() => undefined);
  if (info?.isSymbolicLink() && depth < 40) {
    const target = await readlink(path).catch(() => undefined);
    if (target !== undefined) return resolveExisting(resolve(dirname(path), target), depth + 1);
  }
  const parent = dirname(path);
  if (parent === path) return path;
  return join(await resolveExisting(parent, depth + 1), basename(path));
}

function isInside(root: string, path: string): boolean {
  const inside = relative(root, path);
  return inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}

function isPseudoPath(path: string): boolean {
  return PSEUDO_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function pseudo(): InvalidArgumentError {
  return new InvalidArgumentError('source', 'is on a pseudo-filesystem (/proc, /sys, /dev): never read');
}

function outside(root: string): InvalidArgumentError {
  return new InvalidArgumentError('source', `is outside the sources folder ${root}: not read`);
}
