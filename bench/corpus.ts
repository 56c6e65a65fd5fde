/** Corpus generation: random (incompressible) bytes so no layer can cheat with compression or dedup. */
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CorpusInfo } from './types';

/** How one corpus is shaped. */
export interface CorpusSpec {
  name: string;
  files: number;
  fileBytes: number;
  /** Files per leaf directory; leaves are nested two levels deep (dNN/dNN/…). 0 = all at the root. */
  perDir: number;
  /** Markdown text (random base64 lines, `.md`) instead of random bytes (`.bin`): files AI search indexes. */
  text?: boolean;
}

/** The loopback corpora, and the small ones of --quick. */
export function corpusSpecs(quick: boolean): CorpusSpec[] {
  const KiB = 1024;
  const MiB = 1024 * KiB;
  return quick
    ? [
        { name: 'A', files: 1000, fileBytes: 4 * KiB, perDir: 10 },
        { name: 'B', files: 20, fileBytes: 1 * MiB, perDir: 0 },
        { name: 'C', files: 1, fileBytes: 64 * MiB, perDir: 0 },
      ]
    : [
        { name: 'A', files: 10000, fileBytes: 4 * KiB, perDir: 100 },
        { name: 'B', files: 200, fileBytes: 1 * MiB, perDir: 0 },
        { name: 'C', files: 4, fileBytes: 256 * MiB, perDir: 0 },
      ];
}

/**
 * Relative POSIX path of file i: with perDir > 0, leaves `dAA/dBB/` hold perDir files each, ten
 * second-level directories per top-level one (A: 10 × 10 leaves × 100 files, 110 directories).
 */
export function corpusPath(spec: CorpusSpec, i: number): string {
  const name = `f${String(i).padStart(5, '0')}.${spec.text ? 'md' : 'bin'}`;
  if (spec.perDir <= 0) return name;
  const leaf = Math.floor(i / spec.perDir);
  const top = Math.floor(leaf / 10);
  const sub = leaf % 10;
  return `d${String(top).padStart(2, '0')}/d${String(sub).padStart(2, '0')}/${name}`;
}

/** Directories (remote listings include them) the corpus creates, for the request-count target. */
export function corpusDirectoryCount(spec: CorpusSpec): number {
  if (spec.perDir <= 0) return 0;
  const dirs = new Set<string>();
  for (let i = 0; i < spec.files; i++) {
    const p = corpusPath(spec, i).split('/');
    dirs.add(p[0]);
    dirs.add(`${p[0]}/${p[1]}`);
  }
  return dirs.size;
}

/** Random base64 in lines of 76 characters, exactly `size` bytes, ending in a newline. */
function randomText(size: number): Buffer {
  const raw = Buffer.allocUnsafe(Math.ceil((size * 3) / 4) + 3);
  randomFillSync(raw);
  const b64 = raw.toString('base64').slice(0, size);
  const lines = b64.match(/.{1,76}/g) ?? [];
  const text = Buffer.from(lines.join('\n'), 'latin1').subarray(0, Math.max(0, size - 1));
  return Buffer.concat([text, Buffer.from('\n')]).subarray(0, size);
}

function writeRandomFile(file: string, size: number, text = false): void {
  if (text) {
    fs.writeFileSync(file, randomText(size));
    return;
  }
  const chunk = Buffer.allocUnsafe(Math.min(size, 8 * 1024 * 1024));
  const fd = fs.openSync(file, 'w');
  try {
    let left = size;
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      randomFillSync(chunk, 0, n);
      fs.writeSync(fd, chunk, 0, n);
      left -= n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes the corpus under dir (which must not exist yet). */
export function generateCorpus(spec: CorpusSpec, dir: string): CorpusInfo {
  fs.mkdirSync(dir, { recursive: true });
  const made = new Set<string>();
  for (let i = 0; i < spec.files; i++) {
    const rel = corpusPath(spec, i);
    const parent = path.dirname(path.join(dir, rel));
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeRandomFile(path.join(dir, rel), spec.fileBytes, spec.text);
  }
  return { name: spec.name, files: spec.files, fileBytes: spec.fileBytes, totalBytes: spec.files * spec.fileBytes, dir };
}

/**
 * Rewrites 1% of the files (at least one) with new random bytes of the same size, choosing a
 * different, evenly spread set each round so repetitions do not rewrite the same files.
 */
export function mutateOnePercent(spec: CorpusSpec, dir: string, round: number): string[] {
  const count = Math.max(1, Math.ceil(spec.files / 100));
  const stride = Math.max(1, Math.floor(spec.files / count));
  const changed: string[] = [];
  for (let k = 0; k < count; k++) {
    const i = (k * stride + round) % spec.files;
    const rel = corpusPath(spec, i);
    writeRandomFile(path.join(dir, rel), spec.fileBytes, spec.text);
    changed.push(rel);
  }
  return changed;
}

/** All relative file paths of the corpus, in generation order. */
export function corpusFiles(spec: CorpusSpec): string[] {
  return Array.from({ length: spec.files }, (_, i) => corpusPath(spec, i));
}
