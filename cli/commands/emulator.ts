/**
 * `emulator`: serves the local Domo Files API until SIGINT/SIGTERM. The base URL is the first line of stdout
 * (scripts read it with `head -1`); everything else goes to stderr.
 */
import { resolve } from 'node:path';
import type { EmulatorOptions } from '../../emulator';
import { UsageError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';
import { FAULT_KINDS, type FaultKind } from '../validate';

/** Flags of the emulator command. */
interface EmulatorFlags {
  host: string;
  port: number;
  token?: string;
  dataDir?: string;
  overwrite: boolean;
  faultRate?: number;
  faults?: FaultKind[];
  faultSeed?: number;
  slowMs?: number;
  retryAfter?: number;
}

/** Maps flags to EmulatorOptions, rejecting combinations that would silently do nothing. */
export function emulatorOptions(flags: EmulatorFlags, cwd: string): EmulatorOptions {
  if (flags.faults && flags.faultRate === undefined) throw new UsageError('--faults needs --fault-rate (e.g. --fault-rate 0.1)');
  if (flags.faultSeed !== undefined && flags.faultRate === undefined) throw new UsageError('--fault-seed needs --fault-rate');
  const opts: EmulatorOptions = { host: flags.host, port: flags.port, overwrite: flags.overwrite !== false };
  if (flags.token) opts.token = flags.token;
  if (flags.dataDir) opts.dataDir = resolve(cwd, flags.dataDir);
  if (flags.faultRate !== undefined) {
    opts.faults = { rate: flags.faultRate, kinds: flags.faults ?? [...FAULT_KINDS], ...(flags.faultSeed !== undefined ? { seed: flags.faultSeed } : {}) };
  }
  if (flags.slowMs !== undefined) opts.slowMs = flags.slowMs;
  if (flags.retryAfter !== undefined) opts.retryAfterSeconds = flags.retryAfter;
  return opts;
}

/** Resolves on the first SIGINT or SIGTERM, removing the listeners again. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** Runs the emulator in the foreground. */
export async function run(ctx: Ctx, input: Input): Promise<Outcome> {
  const flags = input.opts as unknown as EmulatorFlags;
  const opts = emulatorOptions(flags, ctx.cwd);
  if (opts.token) ctx.io.secrets.add(opts.token);
  const { startEmulator } = require('../../emulator') as typeof import('../../emulator');
  // Listen for signals before starting, so a signal right after the URL line is not lost.
  const stopped = untilSignal();
  const handle = await startEmulator(opts);
  ctx.io.out(`${handle.url}\n`);
  const c = ctx.io.colorErr;
  ctx.io.log(`domo-filesets emulator listening on ${c.bold(handle.url)} (${opts.dataDir ? `data in ${opts.dataDir}` : 'in memory'}${opts.token ? ', token required' : ', any token accepted'}${opts.faults ? `, faults ${opts.faults.kinds.join(',')} at rate ${opts.faults.rate}` : ''})`);
  ctx.io.log(c.dim('stats: GET /_emulator/stats · log: GET /_emulator/log · reset: POST /_emulator/reset · stop: Ctrl-C'));
  const sig = await stopped;
  ctx.io.log(`domo-filesets emulator: ${sig} received, closing`);
  await handle.close();
  return { kind: 'none' };
}
