/** Shapes of bench/results/latest.json. */

/** API request counts taken from the emulator's /_emulator/stats, as the difference over one run. */
export interface RequestCounts {
  total: number;
  mutating: number;
  byOperation: Record<string, number>;
  /** Requests the emulator's rate limit answered 429 (counted in `total` too); absent from older results. */
  limited?: number;
}

/** One child-process run. */
export interface Sample {
  wallMs: number;
  /** Peak resident set of the measured process in MB (10^6 bytes); null when it could not be read. */
  peakRssMB: number | null;
  requests: RequestCounts | null;
  /** In-process time the child reported, when it measures itself (folder check). */
  innerMs?: number;
  /** CPU time (user + system) of the measured process and its waited-for children, in ms. */
  cpuMs?: number | null;
  /** CPU time the emulator process used during the run, in ms. */
  serverCpuMs?: number | null;
  /** The child's exit code, kept where a scenario records failures instead of rejecting them. */
  exitCode?: number | null;
  /** Scenario-specific figures (files hashed, milliseconds spent waiting, files uploaded, …). */
  counters?: Record<string, number>;
}

/** The median over the repetitions of one scenario. */
export interface Measurement {
  label: string;
  /** Files the scenario touched (uploaded, hashed or checked). */
  files: number;
  bytes: number;
  reps: number;
  wallMs: number;
  samplesMs: number[];
  filesPerSec: number | null;
  mbPerSec: number | null;
  peakRssMB: number | null;
  requests: RequestCounts | null;
  /** Set when the scenario could not run (missing tool, failed command). */
  skipped?: string;
  /** Correctness checks of the run, e.g. "uploaded 10000 of 10000". */
  checks?: string[];
  note?: string;
  /** The median run's CPU time (user + system) of the measured process and of the emulator, in ms. */
  cpuMs?: number | null;
  serverCpuMs?: number | null;
  /** Exit codes of the runs, in order, where a scenario records them. */
  exitCodes?: (number | null)[];
  /** The median run's scenario-specific figures (see Sample.counters). */
  counters?: Record<string, number>;
  /** How a time that was not measured was derived (e.g. scaled from a smaller corpus). */
  extrapolated?: string;
}

/** A corpus the benchmark generated. */
export interface CorpusInfo {
  name: string;
  files: number;
  fileBytes: number;
  totalBytes: number;
  dir: string;
}

/** One target, evaluated. */
export interface TargetResult {
  id: string;
  description: string;
  measured: string;
  threshold: string;
  pass: boolean | null;
  why?: string;
}

/** Where the benchmark ran. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  openssl: string | null;
  rclone: string | null;
  curl: string | null;
}

/**
 * A regime: the emulator run with network conditions or a set-up of its own (latency, a rate limit, index
 * delay, a fresh git clone), with its own corpora; its measurements sit in `results[name]`.
 */
export interface RegimeInfo {
  name: string;
  title: string;
  /** The emulator's command-line switches for this regime. */
  emulatorArgs: string[];
  corpora: Omit<CorpusInfo, 'dir'>[];
  /** Token-bucket parameters when the regime is rate-limited (for the throughput target). */
  rateLimit?: { rate: number; burst: number };
  /**
   * What the no-op re-apply must list: entries (files and directories) under the FileSet's prefix and the
   * FileSets it looks up by name (for the request-count target).
   */
  listing?: { entries: number; lookups: number };
}

/** The whole report. */
export interface BenchReport {
  mode: 'full' | 'quick';
  startedAt: string;
  durationSec: number;
  commit: string | null;
  machine: MachineInfo;
  pageSize: number | null;
  corpora: CorpusInfo[];
  /** The regimes beyond the loopback corpora (absent from results written before they existed). */
  regimes?: RegimeInfo[];
  /** corpus or regime name → scenario key → measurement. */
  results: Record<string, Record<string, Measurement>>;
  targets: TargetResult[];
  notes: string[];
}
