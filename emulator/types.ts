/** Public types of the emulator: options, handle, stats and request-log entries (see CONTRACTS.md). */

/** A fault the emulator can inject into an API request. */
export type FaultKind = '500' | '429' | 'reset' | 'slow';

/** All fault kinds, in the order the CLI documents them. */
export const FAULT_KINDS: readonly FaultKind[] = ['500', '429', 'reset', 'slow'];

/** Per-run random faults, reproducible for a given seed. */
export interface FaultOptions {
  /** Probability 0..1 that an API request gets a fault. */
  rate: number;
  /** Kinds to choose from (uniformly). */
  kinds: FaultKind[];
  /** PRNG seed; the same seed gives the same fault sequence for the same request sequence. */
  seed?: number;
}

/** Options of startEmulator. */
export interface EmulatorOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** When set, X-DOMO-Developer-Token must equal it; when unset, any non-empty token is accepted. */
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
}

/** Counters served by GET /_emulator/stats. */
export interface EmulatorStats {
  /** API requests received (not /_emulator routes). */
  total: number;
  /** Requests to operations that change data (creates, updates, uploads, deletes, split-upload steps). */
  mutating: number;
  /** Request body bytes read. */
  bytesIn: number;
  /** Response body bytes written. */
  bytesOut: number;
  /** Requests per OpenAPI operation id. */
  requests: Record<string, number>;
  /** Injected faults per kind. */
  faults: Record<string, number>;
}

/** One entry of the request log (GET /_emulator/log → {entries}). */
export interface RequestLogEntry {
  seq: number;
  operationId: string;
  method: string;
  fileSetId: string | null;
  /** Remote file path when known (uploaded path, deleted path, the path a deleted id had). */
  path: string | null;
  /** HTTP status; 0 when the connection was reset by a fault. */
  status: number;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** Base URL, e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  /** Stops accepting connections, drops keep-alive sockets and closes the store. */
  close(): Promise<void>;
  stats(): EmulatorStats;
  /** Clears data, counters and the log, and restarts the fault sequence from its seed. */
  reset(): Promise<void>;
  requestLog(): RequestLogEntry[];
}
