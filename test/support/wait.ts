/** Waiting on observable state (the emulator's state, a listing), never on a fixed sleep. */

/** Polls `probe` until it returns a truthy value and returns it; fails after `limitMs`. */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, limitMs = 30_000): Promise<T> {
  // A bound only against a hang: on a loaded machine (CI runs suites side by side) states arrive late, not wrong.
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
