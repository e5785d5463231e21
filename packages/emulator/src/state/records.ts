import type { LalalSource, LalalTask } from '../lalal/records.ts';
/** What the emulator remembers. Every record is plain JSON so the store can persist it as is. */

/** A file the emulator prepared on demand (a format conversion, a mix, a zip). */
export interface DerivedFile {
  /** Storage key of the file once it is ready. */
  key: string;
  status: 'pending' | 'ready' | 'failed';
  /** Name offered on download (`Content-Disposition`). */
  downloadName?: string;
  message?: string;
}

export interface SourcereUpload {
  id: string;
  createdAt: string;
  key: string;
  uploaded: boolean;
  metadata?: { duration: number; numChannels: number; sampleRate: number; message: string; success: boolean };
}

export interface SourcereEvent {
  event: string;
  guid: string;
  timestamp: string;
  message: string | null;
}

export interface Separation {
  id: string;
  uploadId: string;
  algorithm: 6 | 7;
  trial?: { start?: number; seconds: number };
  customMetadata?: unknown;
  callbackUrl?: string;
  outputFormats?: string[];
  createdAt: string;
  events: SourcereEvent[];
  outputFiles: string[] | null;
  failure?: string;
  attempts: number;
  /** Conversions, mixes and zips, by the `fileName.fileFormat` they are downloaded as. */
  derived: Record<string, DerivedFile>;
}

export interface LegacyAsset {
  id: string;
  name: string;
  format: string;
  fileType: string;
  key: string;
  clientId: string;
  createdAt: string;
}

export interface LegacyJob {
  id: string;
  clientId: string;
  requestId: string;
  licenseId: string;
  createdAt: string;
  startedAt?: string;
  updatedAt: string;
  completedAt?: string;
  assetId: string;
  callbackUrl?: string;
  /** The request's metadata, echoed back (from `metadata` or the older `stemMetadata`). */
  metadata: Record<string, unknown>;
  otherSourceAssets: { id: string; type: string; name?: string }[];
  status: 'created' | 'processing' | 'completed' | 'failed';
  statusInfo: { code?: number; message?: string };
  /** Output asset ids, in order. */
  outputAssetIds: string[];
  durationSeconds?: number;
}

export interface TasksAsset {
  id: string;
  name: string;
  format: string;
  key: string;
  createdAt: string;
}

export interface TaskOutputFile {
  name: string;
  format: string;
  type: string;
  key: string;
}

export interface TaskTarget {
  id: string;
  model: string;
  formats: string[];
  residual: boolean | null;
  variant: string | null;
  language: string | null;
  transcriptUrl?: string;
  transcriptAssetId?: string;
  status: 'processing' | 'completed' | 'error';
  error: { code: number; message: string } | null;
  output: TaskOutputFile[];
  cost: number | null;
  duration: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Task {
  id: string;
  clientId: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  assetId?: string;
  url?: string;
  metadata?: string;
  /** Storage key of the source audio, once resolved (an asset's file, or the fetched `url`). */
  sourceKey?: string;
  targets: TaskTarget[];
}

/** Everything, as persisted in `state.json`. */
export interface EmulatorState {
  version: 1;
  /** Key of the HMAC signatures of tokens and storage URLs; persisted so links survive a restart. */
  secret: string;
  clientId: string;
  sourcereUploads: Record<string, SourcereUpload>;
  separations: Record<string, Separation>;
  legacyAssets: Record<string, LegacyAsset>;
  legacyJobs: Record<string, LegacyJob>;
  tasksAssets: Record<string, TasksAsset>;
  tasks: Record<string, Task>;
  tasksWebhookUrl?: string;
  replicateFiles: Record<string, ReplicateFileRecord>;
  replicatePredictions: Record<string, ReplicatePredictionRecord>;
  /** LALAL.AI uploads and tasks (see `lalal/records.ts`). */
  lalalSources: Record<string, LalalSource>;
  lalalTasks: Record<string, LalalTask>;
  /** LALAL.AI minutes spent so far. */
  lalalMinutesUsed?: number;
}

/** A file of the Replicate Files API (`POST /files`). */
export interface ReplicateFileRecord {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  key: string;
  createdAt: string;
}

/** A Replicate prediction of a Demucs model. */
export interface ReplicatePredictionRecord {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  /** Stem → storage key of its file, once written. */
  output: Record<string, string | null> | null;
  error: string | null;
  logs: string;
  webhook?: string;
  webhookEventsFilter?: string[];
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  dataRemoved: boolean;
  predictTime?: number;
}
