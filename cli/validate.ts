/**
 * Flag value parsers for commander. They throw InvalidArgumentError, which commander turns into one line
 * naming the flag: "option '--concurrency <n>' argument '0' is invalid. must be an integer >= 1".
 */
import { InvalidArgumentError } from 'commander';
import type { FaultKind } from '../emulator/types';

/** Output formats of plan/apply. */
export const FORMATS = ['text', 'json', 'markdown'] as const;
/** One of FORMATS. */
export type Format = (typeof FORMATS)[number];

/** Parser of an integer flag within [min, max]. */
export function intInRange(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const v = value.trim();
    if (!/^[+-]?\d+$/.test(v)) throw new InvalidArgumentError(`must be an integer >= ${min}`);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/** `--top-k`, `--limit`: at least 1. */
export const positiveInt = intInRange(1);
/** `--concurrency`: the loader's bounds (more than 256 parallel uploads only hurts). */
export const concurrency = intInRange(1, 256);
/** `--max-deletes`, `--fault-seed`: 0 allowed. */
export const nonNegativeInt = intInRange(0);
/** `--port`: 0 picks a free port. */
export const port = intInRange(0, 65535);

/** `--fault-rate`: a probability. */
export function probability(value: string): number {
  const v = value.trim();
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
}

/** `--faults 500,429,reset,slow`: a non-empty list of known kinds. */
export function faultKinds(value: string): FaultKind[] {
  // The emulator's own list, required only when the flag is parsed: `--help` loads no emulator code.
  const { FAULT_KINDS }: typeof import('../emulator/types') = require('../emulator/types');
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  if (kinds.length === 0) throw new InvalidArgumentError(`must list one or more of ${FAULT_KINDS.join(', ')}`);
  for (const k of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      throw new InvalidArgumentError(`unknown fault '${k}' (expected ${FAULT_KINDS.join(', ')})`);
    }
  }
  // repeats are kept: the emulator picks uniformly from the list, so repeating a kind weights it
  return kinds as FaultKind[];
}

/** `--rate-limit`: a number of requests per second above 0. */
export function positiveNumber(value: string): number {
  const v = value.trim();
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number above 0');
  return n;
}

/** `--delete-status`, `--missing-status`: one of a few HTTP statuses. */
export function statusIn<S extends number>(allowed: readonly S[]): (value: string) => S {
  return (value: string) => {
    const n = Number(value.trim());
    if (!allowed.includes(n as S)) throw new InvalidArgumentError(`must be ${allowed.join(' or ')}`);
    return n as S;
  };
}

/**
 * `--max-limit N|none`: the largest listing limit the emulator accepts ('none': no maximum; a parser that
 * returned null would make commander record the flag as given without a value).
 */
export function maxLimit(value: string): number | 'none' {
  if (value.trim().toLowerCase() === 'none') return 'none';
  try {
    return positiveInt(value);
  } catch {
    throw new InvalidArgumentError('must be an integer >= 1, or none');
  }
}

/** `--latency-ms N[:JITTER]`: a delay and an optional jitter, both whole milliseconds >= 0. */
export function latency(value: string): { ms: number; jitterMs: number } {
  const m = /^\s*(\d{1,9})(?::(\d{1,9}))?\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError('must be N or N:JITTER, whole milliseconds (e.g. 20 or 20:5)');
  return { ms: Number(m[1]), jitterMs: m[2] === undefined ? 0 : Number(m[2]) };
}

/**
 * A repeatable flag: collects every occurrence. The values are checked later by the command, because
 * commander would quote a refused value in its error and some values (`--user TOKEN=…`) hold secrets.
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--ai-enabled true|false`. */
export function boolean(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  throw new InvalidArgumentError('must be true or false');
}

/** A flag that must not be empty (names, paths). */
export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
}

/** `--request-timeout`: a duration above 0 in seconds, minutes or hours (30s, 5m, 1h), returned in ms. */
export function durationMs(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h)\s*$/i.exec(value);
  const ms = m ? Math.round(Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2].toLowerCase() as 's' | 'm' | 'h']) : 0;
  if (!(ms > 0)) throw new InvalidArgumentError('must be a duration above 0 like 30s, 5m or 1h');
  return ms;
}
