/** Shapes of bench/results/latest.json. */

/** API request counts taken from the emulator's /_emulator/stats, as the difference over one run. */
export interface RequestCounts {
  total: number;
  mutating: number;
  byOperation: Record<string, number>;
}

/** One child-process run. */
export interface Sample {
  wallMs: number;
  /** Peak resident set of the measured process in MB (10^6 bytes); null when it could not be read. */
  peakRssMB: number | null;
  requests: RequestCounts | null;
  /** In-process time the child reported, when it measures itself (folder check). */
  innerMs?: number;
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
}

/** A corpus the benchmark generated. */
export interface CorpusInfo {
  name: string;
  files: number;
  fileBytes: number;
  totalBytes: number;
  dir: string;
}

/** One target of issue 5, evaluated. */
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

/** The whole report. */
export interface BenchReport {
  mode: 'full' | 'quick';
  startedAt: string;
  durationSec: number;
  commit: string | null;
  machine: MachineInfo;
  pageSize: number | null;
  corpora: CorpusInfo[];
  /** corpus name → scenario key → measurement. */
  results: Record<string, Record<string, Measurement>>;
  targets: TargetResult[];
  notes: string[];
}
