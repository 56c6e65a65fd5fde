/** Public types of the emulator: options, handle, stats and request-log entries. */
import type { Profile, Readings } from './readings';

/** A fault the emulator can inject into an API request. */
export type FaultKind = '500' | '429' | 'reset' | 'slow';

/** All fault kinds, in the order the CLI documents them. */
export const FAULT_KINDS: readonly FaultKind[] = ['500', '429', 'reset', 'slow'];

/** Per-run random faults, reproducible for a given seed. */
export interface FaultOptions {
  /** Probability 0..1 that an API request gets a fault. */
  rate: number;
  /** Kinds to choose from (uniformly; repeat a kind to weight it). */
  kinds: FaultKind[];
  /** PRNG seed; the same seed gives the same fault sequence for the same request sequence. */
  seed?: number;
}

/** A token bucket: `rate` tokens per second, at most `burst` saved up. */
export interface RateLimitOptions {
  /** Requests per second, sustained (> 0). */
  rate: number;
  /** Requests allowed at once after a quiet period (an integer >= 1). */
  burst: number;
}

/** A developer token that acts as a given user. */
export interface EmulatorUser {
  token: string;
  /** The user's numeric id (>= 1). */
  userId: number;
  /** Ids of the groups the user belongs to (grants to a group apply to its members). */
  groups?: number[];
}

/** Options of startEmulator. */
export interface EmulatorOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /**
   * When set, X-DOMO-Developer-Token must equal it (or be one of `users`); when unset, any non-empty token
   * is accepted. Either way a token not in `users` acts as user 1.
   */
  token?: string;
  /** Persist FileSets and files under this directory; unset keeps everything in memory. */
  dataDir?: string;
  /** Uploads to an existing path overwrite it (201) when true (default); answer 409 when false. */
  overwrite?: boolean;
  /** Random faults for reliability tests. */
  faults?: FaultOptions;
  /** Delay of the `slow` fault in milliseconds (default 2000). */
  slowMs?: number;
  /** Retry-After seconds sent with the `429` fault (default 1). */
  retryAfterSeconds?: number;
  /** Entries kept by the request log (ring buffer, default 10000). */
  maxRequestLog?: number;
  /** Which document's reading to answer by (default `seed`); `readings` overrides single switches. */
  profile?: Profile;
  /** Switches that override the profile's. */
  readings?: Partial<Readings>;
  /**
   * Added before an API request is handled and again before its response is written, so a round trip
   * takes about twice this (default 0). /_emulator routes are never delayed.
   */
  latencyMs?: number;
  /** Each delay is latencyMs plus or minus up to this much, drawn from `seed` (default 0). */
  latencyJitterMs?: number;
  /** Seed of the latency jitter (default: the fault seed, else the clock). */
  seed?: number;
  /** Limits requests per developer token; over the limit answers 429 with Retry-After. */
  rateLimit?: RateLimitOptions;
  /** Tokens that act as users other than user 1. */
  users?: EmulatorUser[];
  /**
   * Time a new or replaced file takes from PENDING to its final index status (default 50). With 0 the upload's
   * answer already carries the final status.
   */
  indexDelayMs?: number;
}

/** Counters served by GET /_emulator/stats. */
export interface EmulatorStats {
  /** API requests received (not /_emulator routes). */
  total: number;
  /** Requests to operations that change data (creates, updates, uploads, deletes, split-upload steps, access). */
  mutating: number;
  /** Request body bytes read. */
  bytesIn: number;
  /** Response body bytes written. */
  bytesOut: number;
  /** Requests per OpenAPI operation id. */
  requests: Record<string, number>;
  /** Injected faults per kind. */
  faults: Record<string, number>;
  /** Requests refused with 429 by the rate limit. */
  limited: number;
  /** Most API requests handled at once: received (any delay included) and not yet answered. */
  peakInFlight: number;
}

/** One entry of the request log (GET /_emulator/log → {entries}). */
export interface RequestLogEntry {
  seq: number;
  operationId: string;
  method: string;
  fileSetId: string | null;
  /** Remote file path when known (uploaded path, deleted path, the path a deleted id had). */
  path: string | null;
  /** HTTP status; 0 when no response was delivered (a `reset` fault, or the client left). */
  status: number;
  /** Deletes only: every path the request removed (a directory's whole subtree, a FileSet's every entry). */
  removed?: string[];
}

/** A running emulator. */
export interface EmulatorHandle {
  /** Base URL, e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  /** Stops accepting connections, drops keep-alive sockets, stops indexing and closes the store. */
  close(): Promise<void>;
  stats(): EmulatorStats;
  /** Clears data, counters and the log, and restarts the fault and latency sequences from their seeds. */
  reset(): Promise<void>;
  requestLog(): RequestLogEntry[];
}
