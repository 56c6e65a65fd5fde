/** Counters for GET /_emulator/stats and the bounded request log for GET /_emulator/log. */
import type { EmulatorStats, RequestLogEntry } from './types';

/** Operations that change data; searches, queries and stats are not counted, though some are POSTs. */
const MUTATING_OPS = new Set([
  'createFileSet',
  'updateFileSet',
  'deleteFileSet',
  'createFile',
  'deleteFile',
  'deleteFileByPath',
  'initiateSplitFileUpload',
  'uploadSplitFilePart',
  'finalizeSplitFileUpload',
  'abortSplitFileUpload',
  'updateAccess',
  'updateOwnership',
  'reindexFileSetFiles',
]);

/** Whether an operation changes data (what `mutating` counts, whatever the request's status). */
export function isMutatingOperation(operationId: string): boolean {
  return MUTATING_OPS.has(operationId);
}

/** Mutable counters plus the ring-buffered log. */
export class Recorder {
  private s: EmulatorStats = Recorder.empty();
  private log: RequestLogEntry[] = [];
  private seq = 0;
  /** API requests received and not yet answered. */
  private inFlight = 0;

  constructor(private readonly maxLog: number) {}

  private static empty(): EmulatorStats {
    return { total: 0, mutating: 0, bytesIn: 0, bytesOut: 0, requests: {}, faults: {}, limited: 0, peakInFlight: 0 };
  }

  request(operationId: string): void {
    this.s.total++;
    if (isMutatingOperation(operationId)) this.s.mutating++;
    this.s.requests[operationId] = (this.s.requests[operationId] ?? 0) + 1;
  }

  /**
   * An API request arrived; returns the function that marks it answered (idempotent). Call that before the
   * answer is written, so a client that starts its next request on receiving an answer is never counted twice.
   */
  enter(): () => void {
    this.inFlight++;
    if (this.inFlight > this.s.peakInFlight) this.s.peakInFlight = this.inFlight;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight--;
    };
  }

  limited(): void {
    this.s.limited++;
  }

  fault(kind: string): void {
    this.s.faults[kind] = (this.s.faults[kind] ?? 0) + 1;
  }

  bytesIn(n: number): void {
    this.s.bytesIn += n;
  }

  bytesOut(n: number): void {
    this.s.bytesOut += n;
  }

  entry(e: Omit<RequestLogEntry, 'seq'>): void {
    if (this.maxLog <= 0) return;
    this.log.push({ seq: ++this.seq, ...e });
    // Trim in batches so the ring stays amortized O(1).
    if (this.log.length > this.maxLog * 2) this.log = this.log.slice(-this.maxLog);
  }

  stats(): EmulatorStats {
    return { ...this.s, requests: { ...this.s.requests }, faults: { ...this.s.faults } };
  }

  entries(): RequestLogEntry[] {
    return this.log.slice(-this.maxLog);
  }

  clear(): void {
    this.s = { ...Recorder.empty(), peakInFlight: this.inFlight };
    this.log = [];
    this.seq = 0;
  }
}
