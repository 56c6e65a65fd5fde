/**
 * Progress on stderr: a cli-progress bar (files and bytes) when stderr is a terminal; otherwise a few quiet
 * lines (one when a phase starts, one when it ends) so CI logs stay short. Never touches stdout.
 */
import { SingleBar } from 'cli-progress';
import type { Progress, ProgressCallback } from '../loader/types';
import type { Io } from './io';
import { formatBytes } from './render/summary';

/** A progress sink that must be stopped before the report is printed. */
export interface ProgressReporter {
  onProgress: ProgressCallback;
  stop(): void;
}

const VERB: Record<Progress['phase'], string> = { scan: 'hashing', upload: 'uploading', delete: 'deleting', index: 'indexing' };

/** Bars for a terminal. */
function ttyReporter(io: Io): ProgressReporter {
  let bar: SingleBar | undefined;
  let key = '';
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onProgress(p) {
      try {
        const k = `${p.phase}:${p.totalFiles}:${p.totalBytes}`;
        if (k !== key || !bar) {
          stopBar();
          key = k;
          if (p.totalFiles === 0) return;
          bar = new SingleBar({
            stream: io.stderr as NodeJS.WritableStream as NodeJS.WriteStream,
            format: `${VERB[p.phase].padEnd(9)} [{bar}] {value}/{total} files | {sent}/{size}`,
            barsize: 24,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          });
          bar.start(p.totalFiles, 0, { sent: formatBytes(0), size: formatBytes(p.totalBytes) });
        }
        bar.update(p.files, { sent: formatBytes(p.bytes), size: formatBytes(p.totalBytes) });
        if (p.files >= p.totalFiles) stopBar();
      } catch {
        // progress must never break a sync
      }
    },
    stop: stopBar,
  };
}

/** Quiet lines for logs: a start line and an end line per upload or delete phase. */
function lineReporter(io: Io): ProgressReporter {
  let key = '';
  let done = false;
  return {
    onProgress(p) {
      const k = `${p.phase}:${p.totalFiles}:${p.totalBytes}`;
      // Hashing is local and quick to explain afterwards: logs only get the steps that talk to Domo.
      if (p.totalFiles === 0 || p.phase === 'scan') return;
      if (k !== key) {
        key = k;
        done = false;
        io.log(`domo-filesets: ${VERB[p.phase]} ${p.totalFiles} file${p.totalFiles === 1 ? '' : 's'} (${formatBytes(p.totalBytes)})`);
      }
      if (!done && p.files >= p.totalFiles) {
        done = true;
        io.log(`domo-filesets: ${VERB[p.phase]} done`);
      }
    },
    stop() {
      /* nothing to clean up */
    },
  };
}

/** The reporter for this process's stderr. */
export function createProgress(io: Io): ProgressReporter {
  return io.stderr.isTTY === true ? ttyReporter(io) : lineReporter(io);
}
