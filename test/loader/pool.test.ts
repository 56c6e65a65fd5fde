/** Slots: the bound shared by nested pools — never more than its size running, first come first served, freed on failure. */
import { Slots } from '../../loader/pool';

test('runs at most `size` calls at once, in arrival order, and a rejection frees its slot', async () => {
  const slots = new Slots(2);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const release: (() => void)[] = [];
  const calls = Array.from({ length: 6 }, (_, i) =>
    slots.run(async () => {
      started.push(i);
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((r) => release.push(r));
      running -= 1;
      if (i === 1) throw new Error('call 1 failed');
      return i;
    }),
  );
  const settled = Promise.allSettled(calls);
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
  await tick();
  expect(started).toEqual([0, 1]);
  // Finish the calls one by one in start order; each frees its slot for the next in line.
  for (let k = 0; k < 6; k += 1) {
    release[k]();
    await tick();
  }
  const results = await settled;
  expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  expect(most).toBe(2);
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([0, 'rejected', 2, 3, 4, 5]);
});
