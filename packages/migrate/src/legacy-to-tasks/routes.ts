import { InvalidArgumentError } from '@stemkit/core';
import type { MappingResult } from './dropped.ts';

/**
 * Where a legacy call goes on the Tasks API.
 *
 * @example
 * ```ts
 * const route: TasksRoute = { method: 'GET', path: '/tasks/{taskId}', note: 'select the target by target.id' };
 * ```
 */
export interface TasksRoute {
  /** HTTP method on the Tasks API, which may differ from the legacy one (`POST /usage` becomes a `GET`). */
  readonly method: 'GET' | 'POST';
  /** Path on the Tasks host; `{taskId}` stands for the id, and a query may follow (`/tasks?take=1`). */
  readonly path: string;
  /** What else changes for the caller: fields to move into the body, ids to keep, values to parse. */
  readonly note: string;
}

interface RouteRow {
  readonly route: TasksRoute;
  readonly dropped?: MappingResult<TasksRoute>['dropped'];
}

const TRANSCRIPT_NOTE =
  'for a transcript file, use `targets[].transcriptAssetId` (after POST /assets) or `targets[].transcriptUrl`';
const LINK_ROW: RouteRow = {
  route: {
    method: 'POST',
    path: '/tasks',
    note: `no upload step: put the link in the task as \`url\`; ${TRANSCRIPT_NOTE}`,
  },
  dropped: [{ field: 'name', reason: 'a task `url` takes no name', behaviourChange: false }],
};

/** The route map, keyed by `METHOD path` with trailing slashes removed and ids as `{id}`. */
const ROUTES: Readonly<Record<string, RouteRow>> = {
  'POST /upload': {
    route: {
      method: 'POST',
      path: '/assets',
      note: `same multipart \`file\`; the response id is the assetId. Legacy asset ids do not carry over: re-upload. ${TRANSCRIPT_NOTE}`,
    },
  },
  'POST /upload/link': LINK_ROW,
  'POST /upload/audio-link': LINK_ROW,
  'POST /job': {
    route: {
      method: 'POST',
      path: '/tasks',
      note: 'one task carries N targets: consolidate the jobs that share a source (legacyRequestsToTasks)',
    },
  },
  'GET /job/{id}': {
    route: {
      method: 'GET',
      path: '/tasks/{taskId}',
      note: 'select the target by target.id; keep the mapping legacyJobId → {taskId, targetId}',
    },
  },
  'POST /usage': {
    route: {
      method: 'GET',
      path: '/tasks/statistics?name=usage',
      note: 'totalJobs becomes totalTargets; totalMinutes is a string to parse as a number',
    },
    dropped: [{ field: 'clientId', reason: 'the statistics carry no client id', behaviourChange: false }],
  },
  'GET /job': { route: { method: 'GET', path: '/tasks?take=1', note: 'the token-validation ping' } },
};

/**
 * The Tasks route that replaces a legacy route (see docs/providers/audioshake-tasks.md, "From the legacy API"). Trailing slashes and ids are normalised
 * (`/job/abc/` is `GET /job/{id}`). An unknown route is an `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * legacyRouteToTasks('POST', '/upload/').value.path; // '/assets'
 * ```
 */
export function legacyRouteToTasks(method: string, path: string): MappingResult<TasksRoute> {
  const bare = `/${path.split('?')[0]?.replace(/^\/+|\/+$/g, '') ?? ''}`;
  const normalised = bare.replace(/^\/job\/[^/]+$/, '/job/{id}');
  const row = ROUTES[`${method.toUpperCase()} ${normalised}`];
  if (!row) throw new InvalidArgumentError('path', `\`${method} ${path}\` is not a legacy AudioShake route`);
  return { value: row.route, dropped: row.dropped ?? [] };
}
