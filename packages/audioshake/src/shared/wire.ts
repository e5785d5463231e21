import { z } from '@stemkit/core/driver';

// Building blocks of both APIs' lenient wire schemas: any field may be missing or null, unknown fields are kept.
// Functions, not constants: the schemas that use them are built on first use, and so are they.

/** A string field that may be missing or null. */
export const optionalString = () => z.nullish(z.string());
/** A number field that may be missing or null. */
export const optionalNumber = () => z.nullish(z.number());
/** A boolean field that may be missing or null. */
export const optionalBoolean = () => z.nullish(z.boolean());
/** A `{code, message}` error object whose fields may be missing (`statusInfo` is `{}` when all is well). */
export const WireFailureSchema = /* @__PURE__ */ z.lazy(() =>
  z.looseObject({
    code: z.nullish(z.union([z.number(), z.string()])),
    message: optionalString(),
  }),
);
