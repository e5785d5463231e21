// The model's types carry the reference's documentation; its schemas are the truth. Each type must be
// exactly the type its schema parses to, both ways (a field added, dropped, renamed or retyped on either side
// fails here), so the two cannot drift apart.
import { describe, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import type { SourceSummary, SourceSummarySchema } from '../../src/driver/index.ts';
import type {
  Asset,
  AssetRole,
  AssetRoleSchema,
  AssetSchema,
  Failure,
  FailureSchema,
  Job,
  JobHandle,
  JobHandleSchema,
  JobSchema,
  JobStatus,
  JobStatusSchema,
  Progress,
  ProgressEvent,
  ProgressEventSchema,
  ProgressSchema,
  Target,
  TargetOptions,
  TargetOptionsSchema,
  TargetSchema,
  TargetStatus,
  TargetStatusSchema,
  Usage,
  UsageMonth,
  UsageMonthSchema,
  UsageSchema,
  Warning,
  WarningSchema,
} from '../../src/index.ts';

describe('each model type is the type its schema parses to', () => {
  it('Job', () => expectTypeOf<Job>().toEqualTypeOf<z.output<typeof JobSchema>>());
  it('Target', () => expectTypeOf<Target>().toEqualTypeOf<z.output<typeof TargetSchema>>());
  it('TargetOptions', () =>
    expectTypeOf<TargetOptions>().toEqualTypeOf<z.output<typeof TargetOptionsSchema>>());
  it('Asset', () => expectTypeOf<Asset>().toEqualTypeOf<z.output<typeof AssetSchema>>());
  it('AssetRole', () => expectTypeOf<AssetRole>().toEqualTypeOf<z.output<typeof AssetRoleSchema>>());
  it('JobHandle', () => expectTypeOf<JobHandle>().toEqualTypeOf<z.output<typeof JobHandleSchema>>());
  it('JobStatus', () => expectTypeOf<JobStatus>().toEqualTypeOf<z.output<typeof JobStatusSchema>>());
  it('TargetStatus', () => expectTypeOf<TargetStatus>().toEqualTypeOf<z.output<typeof TargetStatusSchema>>());
  it('Failure', () => expectTypeOf<Failure>().toEqualTypeOf<z.output<typeof FailureSchema>>());
  it('Warning', () => expectTypeOf<Warning>().toEqualTypeOf<z.output<typeof WarningSchema>>());
  it('Progress', () => expectTypeOf<Progress>().toEqualTypeOf<z.output<typeof ProgressSchema>>());
  it('ProgressEvent', () =>
    expectTypeOf<ProgressEvent>().toEqualTypeOf<z.output<typeof ProgressEventSchema>>());
  it('Usage', () => expectTypeOf<Usage>().toEqualTypeOf<z.output<typeof UsageSchema>>());
  it('UsageMonth', () => expectTypeOf<UsageMonth>().toEqualTypeOf<z.output<typeof UsageMonthSchema>>());
  it('SourceSummary', () =>
    expectTypeOf<SourceSummary>().toEqualTypeOf<z.output<typeof SourceSummarySchema>>());
});
