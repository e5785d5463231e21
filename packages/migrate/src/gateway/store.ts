import type { Failure, JobHandle, SourceReference } from '@stemkit/core';

/** A legacy asset the gateway handed out, and where its audio is on the backend. */
export interface GatewayAsset {
  readonly id: string;
  readonly name: string;
  readonly format: string;
  readonly fileType: string;
  /** The backend asset, or a URL the backend fetches itself. */
  readonly source: SourceReference;
  readonly createdAt: string;
}

/** A legacy job the gateway handed out: the request as the client sent it and the backend job behind it. */
export interface GatewayJob {
  readonly id: string;
  readonly assetId: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly callbackUrl?: string;
  readonly createdAt: string;
  /** The backend job; absent when the backend refused it (then `failure` says why). */
  readonly handle?: JobHandle;
  readonly failure?: Failure;
  startedAt?: string;
  updatedAt: string;
  lastStatus?: string;
}

/**
 * The gateway's memory of the assets and jobs it handed out. It lives in the process: a restarted gateway
 * forgets them (the backend jobs carry on).
 */
export class GatewayStore {
  readonly assets = new Map<string, GatewayAsset>();
  readonly jobs = new Map<string, GatewayJob>();
}
