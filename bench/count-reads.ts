/**
 * Preloaded into the CLI (`node --require dist/bench/count-reads.js dist/cli/bin.js …`) to count what a run
 * reads. With BENCH_COUNT_ROOT and BENCH_COUNT_OUT set, it counts the files opened under the root through
 * node:fs (the loader reads a file only to hash or upload it) and, at exit, writes
 * `{"opened": N, "rchar": BYTES}` to BENCH_COUNT_OUT; rchar is /proc/self/io's bytes read by the process and
 * the children it reaped (git among them), JavaScript modules and pipes included.
 */
import fs = require('node:fs');

const root = process.env.BENCH_COUNT_ROOT;
const out = process.env.BENCH_COUNT_OUT;

/** Bytes read so far by this process and its reaped children; null off Linux. */
function rchar(): number | null {
  try {
    const m = /^rchar:\s+(\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Replaces `obj[name]` by a function that calls `count` with the first argument, then the original. */
function countCalls(obj: object, name: string, count: (first: unknown) => void): void {
  const original = Reflect.get(obj, name) as (...args: unknown[]) => unknown;
  Reflect.set(obj, name, function (this: unknown, ...args: unknown[]) {
    count(args[0]);
    return original.apply(this, args);
  });
}

if (root && out) {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  let opened = 0;
  const onOpen = (p: unknown): void => {
    const s = typeof p === 'string' ? p : Buffer.isBuffer(p) ? p.toString('utf8') : p instanceof URL ? p.pathname : '';
    if (s.startsWith(prefix)) opened += 1;
  };
  countCalls(fs, 'openSync', onOpen);
  countCalls(fs, 'open', onOpen);
  countCalls(fs.promises, 'open', onOpen);
  process.on('exit', () => {
    fs.writeFileSync(out, JSON.stringify({ opened, rchar: rchar() }));
  });
}
