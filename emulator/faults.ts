/**
 * Fault injection. A fault is chosen per API request: the `x-emulator-fault` header forces one; otherwise
 * a seeded PRNG draws against the configured rate. Every routed API request that passes the rate limit
 * consumes exactly two draws, so the sequence depends only on the seed and the order of those requests.
 */
import { errors } from './errors';
import { FAULT_KINDS, type FaultKind, type FaultOptions } from './types';

/** mulberry32: a small, fast, seedable PRNG (reproducible across Node versions). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Validates fault options at the boundary (the CLI passes user input through). */
export function validateFaults(f: FaultOptions | undefined): void {
  if (!f) return;
  if (typeof f.rate !== 'number' || !(f.rate >= 0 && f.rate <= 1)) throw new Error(`faults.rate must be a number in 0..1, got ${String(f.rate)}`);
  if (!Array.isArray(f.kinds) || f.kinds.length === 0) throw new Error('faults.kinds must list at least one of 500, 429, reset, slow');
  for (const k of f.kinds) if (!FAULT_KINDS.includes(k)) throw new Error(`unknown fault kind ${JSON.stringify(k)}; expected 500, 429, reset or slow`);
}

/** Parses the x-emulator-fault header; an unknown value is the caller's mistake (400). */
export function faultFromHeader(v: string | string[] | undefined): FaultKind | null {
  if (v === undefined) return null;
  const s = (Array.isArray(v) ? v[0] : v).trim();
  if (s === '') return null;
  if (!FAULT_KINDS.includes(s as FaultKind)) throw errors.badRequest(`x-emulator-fault must be one of 500, 429, reset, slow; got ${s}`);
  return s as FaultKind;
}

/** Draws faults for a run. */
export class FaultPlan {
  private rand: () => number;
  private readonly seed: number;

  constructor(private readonly opts: FaultOptions | undefined) {
    this.seed = opts?.seed ?? Date.now() >>> 0;
    this.rand = mulberry32(this.seed);
  }

  /** Restarts the sequence (POST /_emulator/reset). */
  restart(): void {
    this.rand = mulberry32(this.seed);
  }

  /** The fault for the next API request, or null. */
  next(): FaultKind | null {
    const hit = this.rand();
    const pick = this.rand();
    if (!this.opts || this.opts.rate <= 0 || hit >= this.opts.rate) return null;
    return this.opts.kinds[Math.floor(pick * this.opts.kinds.length)] ?? null;
  }
}
