/**
 * `emulator`: serves the local Domo Files API until SIGINT/SIGTERM. The base URL is the first line of stdout
 * (scripts read it with `head -1`); everything else goes to stderr.
 */
import { resolve } from 'node:path';
import type { EmulatorOptions, EmulatorUser, Profile, Readings } from '../../emulator';
import { FAULT_KINDS, type FaultKind } from '../../emulator/types';
import { UsageError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';

/** Flags of the emulator command, as commander parses them. */
export interface EmulatorFlags {
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
  profile?: Profile;
  uploadField?: Readings['uploadField'];
  deleteStatus?: Readings['deleteStatus'];
  maxLimit?: number | 'none';
  implicitDirs?: boolean;
  missingStatus?: Readings['missingStatus'];
  honourContentType?: boolean;
  cascadeDelete?: boolean;
  hashes?: boolean;
  latencyMs?: { ms: number; jitterMs: number };
  rateLimit?: number;
  burst?: number;
  /** Raw `TOKEN=USER_ID[:GROUP_ID,…]` values, checked here so that no message ever quotes a token. */
  user?: string[];
  indexDelayMs?: number;
}

/** `TOKEN=USER_ID[:GROUP_ID,…]` → a user; the error names the occurrence, never the token. */
function parseUser(spec: string, n: number, taken: Set<string>): EmulatorUser {
  const eq = spec.lastIndexOf('=');
  const token = eq > 0 ? spec.slice(0, eq) : '';
  const m = /^(\d{1,15})(?::(\d{1,15}(?:,\d{1,15})*))?$/.exec(eq > 0 ? spec.slice(eq + 1).trim() : '');
  const userId = m ? Number(m[1]) : 0;
  const groups = m?.[2] === undefined ? [] : m[2].split(',').map(Number);
  if (!token.trim() || !m || userId < 1 || groups.some((g) => g < 1)) {
    throw new UsageError(`--user #${n}: expected TOKEN=USER_ID or TOKEN=USER_ID:GROUP_ID,GROUP_ID with integer ids >= 1`);
  }
  if (taken.has(token)) throw new UsageError(`--user #${n}: this token is already given`);
  taken.add(token);
  return { token, userId, groups };
}

/** The reading switches given on the command line (undefined: the profile's). */
function readingFlags(flags: EmulatorFlags): Partial<Readings> {
  const r: Partial<Readings> = {
    uploadField: flags.uploadField,
    deleteStatus: flags.deleteStatus,
    maxLimit: flags.maxLimit === 'none' ? null : flags.maxLimit,
    implicitDirs: flags.implicitDirs,
    missingStatus: flags.missingStatus,
    honourContentType: flags.honourContentType,
    cascadeDelete: flags.cascadeDelete,
    hashes: flags.hashes,
  };
  for (const k of Object.keys(r) as (keyof Readings)[]) if (r[k] === undefined) delete r[k];
  return r;
}

/** Maps flags to EmulatorOptions, rejecting combinations that would silently do nothing. */
export function emulatorOptions(flags: EmulatorFlags, cwd: string): EmulatorOptions {
  const jitter = (flags.latencyMs?.jitterMs ?? 0) > 0;
  if (flags.faults && flags.faultRate === undefined) throw new UsageError('--faults needs --fault-rate (e.g. --fault-rate 0.1)');
  if (flags.faultSeed !== undefined && flags.faultRate === undefined && !jitter) {
    throw new UsageError('--fault-seed needs --fault-rate, or a jitter in --latency-ms N:JITTER');
  }
  if (flags.burst !== undefined && flags.rateLimit === undefined) throw new UsageError('--burst needs --rate-limit (e.g. --rate-limit 50 --burst 20)');
  const opts: EmulatorOptions = { host: flags.host, port: flags.port, overwrite: flags.overwrite !== false };
  if (flags.token) opts.token = flags.token;
  if (flags.dataDir) opts.dataDir = resolve(cwd, flags.dataDir);
  if (flags.faultRate !== undefined) {
    opts.faults = { rate: flags.faultRate, kinds: flags.faults ?? [...FAULT_KINDS], ...(flags.faultSeed !== undefined ? { seed: flags.faultSeed } : {}) };
  }
  if (flags.slowMs !== undefined) opts.slowMs = flags.slowMs;
  if (flags.retryAfter !== undefined) opts.retryAfterSeconds = flags.retryAfter;
  if (flags.profile !== undefined) opts.profile = flags.profile;
  const readings = readingFlags(flags);
  if (Object.keys(readings).length) opts.readings = readings;
  if (flags.latencyMs) {
    opts.latencyMs = flags.latencyMs.ms;
    if (jitter) opts.latencyJitterMs = flags.latencyMs.jitterMs;
  }
  if (jitter && flags.faultSeed !== undefined) opts.seed = flags.faultSeed;
  if (flags.rateLimit !== undefined) opts.rateLimit = { rate: flags.rateLimit, burst: flags.burst ?? Math.max(1, Math.ceil(flags.rateLimit)) };
  if (flags.user?.length) {
    const taken = new Set<string>();
    opts.users = flags.user.map((spec, i) => parseUser(spec, i + 1, taken));
  }
  if (flags.indexDelayMs !== undefined) opts.indexDelayMs = flags.indexDelayMs;
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

/** What the emulator was started with, for the log line (never a token). */
function summary(opts: EmulatorOptions): string {
  const parts = [
    opts.dataDir ? `data in ${opts.dataDir}` : 'in memory',
    opts.token ? 'token required' : 'any token accepted',
    `profile ${opts.profile ?? 'seed'}`,
  ];
  if (opts.readings)
    parts.push(
      `readings ${Object.entries(opts.readings)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ')}`,
    );
  if (opts.users) parts.push(`${opts.users.length} extra user(s)`);
  if (opts.latencyMs) parts.push(`latency ${opts.latencyMs} ms${opts.latencyJitterMs ? ` ± ${opts.latencyJitterMs}` : ''}`);
  if (opts.rateLimit) parts.push(`rate limit ${opts.rateLimit.rate}/s burst ${opts.rateLimit.burst}`);
  if (opts.faults) parts.push(`faults ${opts.faults.kinds.join(',')} at rate ${opts.faults.rate}`);
  return parts.join(', ');
}

/** Runs the emulator in the foreground. */
export async function run(ctx: Ctx, input: Input<EmulatorFlags>): Promise<Outcome> {
  const flags = input.opts;
  // Tokens are secrets from the moment they are known, before anything can fail and print.
  for (const spec of flags.user ?? []) if (spec.includes('=')) ctx.io.secrets.add(spec.slice(0, spec.lastIndexOf('=')));
  const opts = emulatorOptions(flags, ctx.cwd);
  if (opts.token) ctx.io.secrets.add(opts.token);
  const { startEmulator }: typeof import('../../emulator') = require('../../emulator');
  // Listen for signals before starting, so a signal right after the URL line is not lost.
  const stopped = untilSignal();
  const handle = await startEmulator(opts);
  ctx.io.out(`${handle.url}\n`);
  const c = ctx.io.colorErr;
  ctx.io.log(`domo-filesets emulator listening on ${c.bold(handle.url)} (${summary(opts)})`);
  ctx.io.log(c.dim('stats: GET /_emulator/stats · log: GET /_emulator/log · reset: POST /_emulator/reset · stop: Ctrl-C'));
  const sig = await stopped;
  ctx.io.log(`domo-filesets emulator: ${sig} received, closing`);
  await handle.close();
  return { kind: 'none' };
}
