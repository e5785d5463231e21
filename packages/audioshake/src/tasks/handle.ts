import { z } from '@stemkit/core/driver';

/**
 * What a Tasks handle carries besides the task id: nothing, since `GET /tasks/:id` answers the whole task,
 * targets and fresh links included.
 */
export const HandleData = /* @__PURE__ */ z.lazy(() => z.object({}));
