/**
 * Property: a local file name either round-trips exactly or is refused at scan. Over generated names made of
 * the characters that servers and multipart encoders treat specially (`\ " % # ? + & ; : * < > |`, CR, LF, TAB),
 * NFD spellings, and trailing dots and spaces:
 * - accepted by the scan ⇒ `apply` exits 0, the emulator lists exactly that path (in NFC, the one spelling
 *   the loader uses), and `plan --detailed-exitcode` right after finds nothing to do;
 * - refused ⇒ `apply` exits 1 with one error line that names the file, and no mutating request was sent.
 * The CLI runs in process (main()); the emulator answers by the run's profile. PATH_ROUNDTRIP_RUNS raises
 * the number of names (default 40).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { runCli } from '../cli/helpers';
import { logFigures, startScratchBackend, type ScratchBackend } from '../support/harness';

jest.setTimeout(300_000);
const RUNS = Number(process.env.PATH_ROUNDTRIP_RUNS ?? 40);

/** Characters that stay as they are in a remote path (the oracle's side of the rule). */
const KEPT = ['a', 'b', 'é', '日', ' ', '.', '-', '%', '#', '?', '+', '&', ';', ':', '*', '<', '>', '|', "'", '=', '@', '!', '~'];
/** Characters a multipart filename or a server would change: a name holding one is refused. */
const REFUSED = ['\\', '"', '\r', '\n', '\t', '\u0001', '\u007f', '\u0085'];

/** A kept character; now and then U+2028, which the rule keeps but the scan's glob may not see. */
const kept = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...KEPT) }, { weight: 1, arbitrary: fc.constant('\u2028') });
/** A segment, sometimes spelt in NFD, sometimes with trailing dots or spaces; never "", "." or "..". */
const segment = fc
  .tuple(
    fc.array(kept, { minLength: 1, maxLength: 8 }).map((cs) => cs.join('')),
    fc.constantFrom('', '.', '..', ' ', ' .', '.md'),
    fc.boolean(),
  )
  .map(([body, tail, nfd]) => (nfd ? (body + tail).normalize('NFD') : body + tail))
  .filter((s) => s !== '.' && s !== '..');
/** One to three segments; in about half of the paths one refused character is put somewhere. */
const relPath = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...REFUSED)), { freq: 2 }))
  .map(([segs, bad]) => {
    if (bad === null) return segs;
    const [which, at, c] = bad;
    const i = which % segs.length;
    const pos = at % (segs[i].length + 1);
    return segs.map((s, k) => (k === i ? s.slice(0, pos) + c + s.slice(pos) : s));
  });

/**
 * Where the scan stops, or null when it accepts the path: at the first name the scan's glob cannot be trusted
 * with (a directory holding a line terminator, a name starting with one), else at the file when a segment
 * holds a character the remote path rule refuses (control characters, `\`, `"`).
 */
function refusedAt(segments: string[]): string[] | null {
  const last = segments.length - 1;
  const blind = segments.findIndex((s, i) => /^[\r\n\u2028\u2029]/.test(s) || (i < last && /[\r\n\u2028\u2029]/.test(s)));
  if (blind >= 0) return segments.slice(0, blind + 1);
  // eslint-disable-next-line no-control-regex
  return segments.some((s) => /[\\"\u0000-\u001f\u007f-\u009f]/.test(s)) ? segments : null;
}

/** The name as one line of text shows it: control characters and line separators as \\uXXXX escapes. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

describe('path round trip through scan, apply and the emulator', () => {
  let be: ScratchBackend;
  beforeAll(async () => {
    be = await startScratchBackend();
  });
  afterAll(async () => be?.close());

  test('accepted ⇒ listed exactly and a second plan is empty; refused ⇒ one line naming the file, nothing changed', async () => {
    const figures = { accepted: 0, refused: 0 };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(relPath, async (segments) => {
        n += 1;
        const dir = path.join(be.dir, `case-${n}`);
        const src = path.join(dir, 'src');
        mkdirSync(path.join(src, ...segments.slice(0, -1)), { recursive: true });
        writeFileSync(path.join(src, ...segments), 'content');
        writeFileSync(path.join(src, 'anchor.md'), 'a file with a plain name beside it');
        const manifest = path.join(dir, 'manifest.yaml');
        writeFileSync(manifest, `version: 1\nfilesets:\n  - name: rt-${n}\n    source: ./src\n    dot: true\n`);
        const env = { DOMO_BASE_URL: be.emu.url, DOMO_DEVELOPER_TOKEN: be.token };
        const mutating = be.emu.stats().mutating;
        const r = await runCli(['apply', '-f', manifest], env);
        const remotePath = segments.join('/').normalize('NFC');
        const refused = refusedAt(segments);
        if (refused === null) {
          figures.accepted += 1;
          expect({ code: r.code, errors: r.stderr.split('\n').filter((l) => l.startsWith('domo-filesets: error')) }).toEqual({ code: 0, errors: [] });
          const [fs] = await be.client.findFileSetsByName(`rt-${n}`);
          const listed: string[] = [];
          for await (const f of be.client.listFiles(fs.id, { filesOnly: true })) listed.push(f.path);
          expect(listed.sort()).toEqual(['anchor.md', remotePath].sort());
          const again = await runCli(['plan', '-f', manifest, '--detailed-exitcode'], env);
          expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('Plan: no changes') });
        } else {
          figures.refused += 1;
          expect(r.code).toBe(1);
          const lines = r.stderr.split('\n').filter((l) => l !== '');
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(/^domo-filesets: error: /);
          // names the file (or the directory the scan cannot look into), shown on one line
          expect(lines[0]).toContain(`${oneLine(path.join(src, ...refused))}: `);
          expect(be.emu.stats().mutating).toBe(mutating);
          expect(await be.client.findFileSetsByName(`rt-${n}`)).toEqual([]);
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.PATH_ROUNDTRIP_SEED ?? 1337), examples: [[['a\nb.md']], [['dir\r', 'x.md']], [['cafe\u0301 .', 'x.md ']]] },
    );
    logFigures('path-roundtrip', figures);
    // vacuous unless both sides of the rule were exercised
    expect(figures.accepted).toBeGreaterThan(RUNS / 10);
    expect(figures.refused).toBeGreaterThan(RUNS / 10);
  });
});
