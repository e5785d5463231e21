import { z } from '@stemkit/core/driver';

// Building blocks of both APIs' lenient wire schemas: any field may be missing or null, unknown fields are kept.

/** A string field that may be missing or null. */
export const optionalString = /* @__PURE__ */ z.nullish(z.string());
/** A number field that may be missing or null. */
export const optionalNumber = /* @__PURE__ */ z.nullish(z.number());
/** A boolean field that may be missing or null. */
export const optionalBoolean = /* @__PURE__ */ z.nullish(z.boolean());
/** A `{code, message}` error object whose fields may be missing (`statusInfo` is `{}` when all is well). */
export const WireFailureSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    code: z.nullish(z.union([z.number(), z.string()])),
    message: optionalString,
  }),
);
