import * as z from 'zod/mini';

/** Schema of a {@link UsageMonth}. */
export const UsageMonthSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    month: z.string(),
    targets: z.number(),
    minutes: z.number(),
  }),
);
/**
 * One calendar month of an account's use of a provider.
 *
 * `targets` counts stems or models run (a legacy AudioShake job is one target; a Tasks target is one);
 * `minutes` is the audio processed, as the provider bills it.
 *
 * @example
 * ```ts
 * const month: UsageMonth = { month: '2026-11', targets: 12, minutes: 31.5 };
 * ```
 */
export type UsageMonth = {
  /** The month, as `YYYY-MM`. */
  month: string;
  /** The stems or models run that month. */
  targets: number;
  /** The minutes of audio processed that month, as the provider bills them. */
  minutes: number;
};

/** Schema of a {@link Quota}. */
export const QuotaSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    minutesLeft: z.number(),
  }),
);
/**
 * What is left of an account's allowance, where the provider states one (LALAL.AI's minutes left). A quota is
 * not usage: it says what the account may still spend, not what a month spent.
 *
 * @example
 * ```ts
 * const quota: Quota = { minutesLeft: 1234.5 };
 * ```
 */
export type Quota = {
  /** Processing minutes the account may still spend. */
  minutesLeft: number;
};

/** Schema of {@link Usage}. */
export const UsageSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    provider: z.string(),
    months: z.array(UsageMonthSchema),
    quota: z.optional(QuotaSchema),
    raw: z.unknown(),
  }),
);
/**
 * What `stemkit.usage()` returns, the same shape on every driver that has usage statistics: the months the
 * provider reports, oldest first (none when it reports only a quota), what is left of the account's allowance
 * in `quota` when the provider states it, and its untouched payload in `raw`.
 *
 * @example
 * ```ts
 * const { months } = await stemkit.usage();
 * console.log(months.at(-1)?.minutes);
 * ```
 */
export type Usage = {
  /** The driver that reported it. */
  provider: string;
  /** The months the provider reports, oldest first. */
  months: UsageMonth[];
  /** What is left of the account's allowance, when the provider states it. */
  quota?: Quota;
  /** The provider's untouched payload. */
  raw: unknown;
};
