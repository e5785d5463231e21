/** A LALAL.AI upload: the file under `key`, its `source_id` the record's id (a UUID). */
export interface LalalSource {
  id: string;
  name: string;
  size: number;
  duration: number;
  /** Unix seconds; the file is gone after it (24 h). */
  expires: number;
  key: string;
  deleted?: boolean;
}

/** One output file of a task. */
export interface LalalTrack {
  type: 'stem' | 'back';
  label: string;
  key: string;
  name: string;
}

/** A LALAL.AI task, as `/check/` reports it. */
export interface LalalTask {
  id: string;
  sourceId: string;
  endpoint: 'stem_separator' | 'multistem' | 'demuser' | 'voice_clean';
  presets: Record<string, unknown>;
  idempotencyKey?: string;
  status: 'progress' | 'success' | 'error' | 'cancelled';
  /** 0 while queued, then 1–99. */
  progress: number;
  tracks: LalalTrack[];
  duration?: number;
  error?: { detail: string; code: string; id: string };
  createdAt: string;
}
