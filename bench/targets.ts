/** Helpers shared by the target evaluations of the loopback corpora and of the regimes (pure functions). */
import type { BenchReport, Measurement, TargetResult } from './types';

/** A measurement that ran (not skipped, a finite time), else null. */
export function measured(results: BenchReport['results'], group: string, key: string): Measurement | null {
  const m = results[group]?.[key];
  return m && !m.skipped && Number.isFinite(m.wallMs) ? m : null;
}

/** One target: pass / fail on `ok(value)`, or not measured (pass null, `missing` as the reason) without a value. */
export function target(
  id: string,
  description: string,
  value: number | null,
  show: (v: number) => string,
  threshold: string,
  ok: (v: number) => boolean,
  missing: string,
): TargetResult {
  if (value == null || !Number.isFinite(value)) return { id, description, measured: '—', threshold, pass: null, why: missing };
  return { id, description, measured: show(value), threshold, pass: ok(value) };
}
