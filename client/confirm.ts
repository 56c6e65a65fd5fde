/**
 * Confirming deletes. A success answer to a DELETE is not proof that the object went: a proxy or gateway can
 * answer for a request the server never saw (an empty 200 is one of the documented answers, so it cannot be
 * told apart). Callers that promise "remote equals local" look again; a server that takes a moment to show
 * a delete gets a few looks spread over a few seconds before the delete counts as not done.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Delays before each look (the first look is immediate). */
export const CONFIRM_DELAYS_MS: readonly number[] = [0, 500, 2000];

/**
 * Looks until nothing is left: `look(pending)` returns the items of `pending` still there. Returns the items
 * still there after the last look (empty: every delete confirmed).
 */
export async function confirmGone<T>(items: readonly T[], look: (pending: readonly T[]) => Promise<readonly T[]>, signal?: AbortSignal): Promise<T[]> {
  let pending = [...items];
  for (const ms of CONFIRM_DELAYS_MS) {
    if (pending.length === 0) break;
    if (ms > 0) await sleep(ms, undefined, signal ? { signal } : undefined);
    pending = [...(await look(pending))];
  }
  return pending;
}
