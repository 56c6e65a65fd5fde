/**
 * Properties over arbitrary input, complementing test/loader (planner over a small alphabet, parser over
 * JSON-shaped text):
 * - any unicode file name round-trips through the client and the emulator: upload, list, download — the same
 *   bytes at the same path (or a typed refusal that leaves nothing behind);
 * - the planner over arbitrary unicode names and prefixes: exact, never deletes a local or an outside path, and
 *   a guard never refuses without cause;
 * - the manifest parser over YAML-specific input (anchors, aliases, merge keys, tags, alias bombs) throws only
 *   ManifestError with a one-line message.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { isDomoError } from '../../client';
import { ManifestError } from '../../loader/errors';
import { parseManifest } from '../../loader/manifest';
import { planEntry, type PlanRemote } from '../../loader/plan';
import type { LocalFile } from '../../loader/scan';
import { normalizeSelection } from '../../loader/selector';
import { joinRemote } from '../../loader/prefix';
import { logFigures, sha256, startBackend, type Backend } from '../support/harness';

jest.setTimeout(180_000);

/** A path segment of arbitrary unicode (whole code points, astral included), never "", "." or "..", no "/". */
const segment = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 12 })
  .map((s) => s.replace(/\//g, '_'))
  .filter((s) => s !== '.' && s !== '..' && s.trim() !== '');
const unicodePath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((p) => p.join('/'));

describe('any unicode file name round-trips through the client', () => {
  let be: Backend;
  let fsId: string;
  const figures = { tried: 0, roundTripped: 0, refused: 0, refusedExamples: [] as string[] };
  beforeAll(async () => {
    be = await startBackend();
    fsId = (await be.client.createFileSet({ name: 'unicode' })).id;
  });
  afterAll(async () => {
    logFigures('unicode-roundtrip', figures);
    await be?.close();
  });

  it('upload, list, download: same bytes, same path', async () => {
    await fc.assert(
      fc.asyncProperty(unicodePath, fc.uint8Array({ maxLength: 256 }), async (path, bytes) => {
        figures.tried += 1;
        const content = Buffer.from(bytes);
        const norm = path.normalize('NFC');
        try {
          await be.client.uploadFile(fsId, { path, source: { content }, expectedSha256: sha256(content) });
        } catch (e) {
          // A refusal must be typed (a client ValidationError or the API's 400), and leave nothing behind.
          if (!isDomoError(e) && (e as Error).name !== 'ValidationError') throw e;
          figures.refused += 1;
          if (figures.refusedExamples.length < 5) figures.refusedExamples.push(JSON.stringify(path));
          await expect(be.client.getFileByPath(fsId, path)).rejects.toThrow();
          return;
        }
        figures.roundTripped += 1;
        const listed: string[] = [];
        for await (const f of be.client.listFiles(fsId, { filesOnly: true })) listed.push(f.path);
        expect(listed.filter((p) => p.normalize('NFC') === norm)).toHaveLength(1);
        const chunks: Buffer[] = [];
        const got = await be.client.downloadFile(
          fsId,
          { path },
          {
            stream: new Writable({
              write: (c: Buffer, _e, cb) => {
                chunks.push(c);
                cb();
              },
            }),
          },
        );
        expect(got.sha256).toBe(sha256(content));
        expect(Buffer.concat(chunks).equals(content)).toBe(true);
        const entry = await be.client.getFileByPath(fsId, path);
        expect(entry.path.normalize('NFC')).toBe(norm);
        await be.client.deleteFile(fsId, entry.id);
      }),
      { numRuns: 150, seed: 4242 },
    );
    // the property must not pass by refusing everything
    expect(figures.roundTripped).toBeGreaterThan(figures.tried / 2);
  });
});

describe('planner over arbitrary unicode names', () => {
  const hash = fc.constantFrom('1', '2', '3').map((c) => c.repeat(64));
  const files = fc
    .uniqueArray(
      fc.tuple(
        unicodePath.map((p) => p.normalize('NFC')),
        hash,
      ),
      { selector: (t) => t[0], maxLength: 20 },
    )
    .map((fs) => fs.filter(([p]) => !fs.some(([q]) => q.startsWith(`${p}/`))));
  const setup = fc.record({
    local: files,
    remoteIn: files,
    outside: fc.uniqueArray(unicodePath, { maxLength: 4 }),
    prefix: fc.oneof(
      fc.constant(''),
      fc.array(segment, { minLength: 1, maxLength: 2 }).map((s) => s.join('/').normalize('NFC')),
    ),
    maxDeletes: fc.option(fc.nat(8), { nil: undefined, freq: 3 }),
    pct: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 100 })),
    allowEmpty: fc.boolean(),
  });

  it('exact when not refused; never deletes a local or outside path; refuses only with cause', () => {
    let refused = 0;
    let applied = 0;
    fc.assert(
      fc.property(setup, (s) => {
        const loc: LocalFile[] = s.local.map(([path, h]) => ({ path, hash: h, size: 1, abs: `/src/${path}`, dev: 1, ino: 1, mtimeMs: 0 }));
        const rem: PlanRemote[] = s.remoteIn.map(([p, h]) => ({ path: joinRemote(s.prefix, p), id: `id:${p}`, kind: 'file', hash: h, size: 1 }));
        // Files outside the prefix (only meaningful when there is a prefix): a sibling whose name extends the prefix.
        if (s.prefix !== '') for (const p of s.outside) rem.push({ path: `${s.prefix}x/${p}`, id: `out:${p}`, kind: 'file', hash: '9'.repeat(64), size: 1 });
        const plan = planEntry(loc, rem, {
          line: 1,
          source: '/src',
          directoryPath: s.prefix,
          selection: normalizeSelection({}),
          prune: true,
          maxDeletePercent: s.pct,
          allowEmpty: s.allowEmpty,
          ...(s.maxDeletes !== undefined ? { maxDeletes: s.maxDeletes } : {}),
        });
        const localFull = new Set(loc.map((f) => joinRemote(s.prefix, f.path)));
        for (const d of plan.deletes) {
          expect(localFull.has(d.path)).toBe(false);
          expect(d.id.startsWith('out:')).toBe(false);
        }
        if (plan.refused) {
          refused += 1;
          const g = plan.refused.guard;
          // a refusal has a cause: the deletes exceed the limit, or the source is empty with deletes pending
          if (g === 'maxDeletes') expect(plan.deletes.length).toBeGreaterThan(s.maxDeletes ?? Infinity);
          if (g === 'maxDeletePercent') expect(plan.deletes.length * 100).toBeGreaterThan(s.pct * plan.remoteCount);
          if (g === 'emptySource') {
            expect(loc).toHaveLength(0);
            expect(s.allowEmpty).toBe(false);
          }
          return;
        }
        applied += 1;
        const state = new Map(rem.map((r) => [r.path, r.hash]));
        for (const u of plan.uploads) state.set(u.path, u.hash);
        for (const d of plan.deletes) state.delete(d.path);
        const expected = new Map<string, string | null>(loc.map((f) => [joinRemote(s.prefix, f.path), f.hash]));
        for (const r of rem) if (r.id.startsWith('out:')) expected.set(r.path, r.hash);
        expect(new Map([...state].sort())).toEqual(new Map([...expected].sort()));
      }),
      { numRuns: 400, seed: 99 },
    );
    logFigures('planner-unicode', { applied, refused });
    expect(applied).toBeGreaterThan(0);
  });
});

describe('manifest parser over YAML-specific input', () => {
  const value = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.double(),
    fc.constantFrom('${X}', '${X:-d}', '${NOPE}', '${', '$${X}', '${X:-${Y}}', '~', '!!binary aGVsbG8=', '*alias', '&anchor v'),
  );
  const entry = fc.dictionary(
    fc.constantFrom(
      'name',
      'id',
      'description',
      'source',
      'include',
      'exclude',
      'directoryPath',
      'prune',
      'maxDeletes',
      'maxDeletePercent',
      'allowEmpty',
      'dot',
      '<<',
      'unknown',
    ),
    fc.oneof(value, fc.array(value, { maxLength: 3 })),
  );
  const doc = fc.record({ version: fc.oneof(fc.constant(1), value), filesets: fc.oneof(fc.array(entry, { maxLength: 3 }), value) }, { requiredKeys: [] });
  const yamlText = fc.oneof(
    doc.map((d) => stringify(d)),
    fc
      .tuple(
        doc.map((d) => stringify(d)),
        fc.constantFrom('!!js/function "f(){}"', '!custom x', '&a [*a]', '<<: *nope', '? complex\n: key', '--- \n...\n---', '%YAML 1.1\n---', '\uFEFF', '\t'),
      )
      .map(([d, junk]) => `${junk}\n${d}`),
  );
  const BOMB = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    'version: 1',
    'filesets: [{name: *g, source: .}]',
  ].join('\n');

  function parseOnly(text: string): void {
    try {
      parseManifest(text, { file: '/tmp/m.yaml', env: { X: 'x', Y: 'y' } });
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      expect(e.message).not.toContain('\n');
      // the parser's last-resort wrapper must never be needed: every input is foreseen
      expect(e.message).not.toMatch(/cannot parse the manifest/);
    }
  }

  it('throws only ManifestError with a one-line message', () => {
    fc.assert(
      fc.property(yamlText, (text) => parseOnly(text)),
      { numRuns: 1500, seed: 7 },
    );
  });

  it('an alias bomb (billion laughs) is refused as a ManifestError, not expanded', () => {
    expect(() => parseManifest(BOMB, { file: '/tmp/m.yaml', env: {} })).toThrow(ManifestError);
  });
});
