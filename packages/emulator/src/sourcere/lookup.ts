import type { EmulatorContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import type { Separation } from '../state/records.ts';

/** A query parameter the route needs: 400 when it is missing. */
export function requiredQuery(value: string | undefined, name: string): string {
  if (!value) throw new HttpError(400, `The query parameter ${name} is required`);
  return value;
}

/** The separation a request names: 404 when there is none. */
export function separationOf(context: EmulatorContext, id: string | undefined): Separation {
  const separation = context.store.state.separations[requiredQuery(id, 'separationId')];
  if (!separation) throw new HttpError(404, 'No separation with this separationId');
  return separation;
}
