/**
 * Resources of one program that would prune each other's files: the rule (against the loader's own prune
 * decision), and what the constructors hand to check as the hidden `overlaps` input under setMocks.
 */
import fc from 'fast-check';
import * as pulumi from '@pulumi/pulumi';
import { planEntry } from '../../loader/plan';
import { normalizeSelection } from '../../loader/selector';
import { FileSet, FileSetAccess, FileSetFile, FileSetFolder } from '../../provider';
import { accessClaim, conflictOf, fileClaim, folderClaim, type Claim } from '../../provider/overlaps';
import { captureProviders } from '../engine/harness';

const file = (name: string, path: string, fileSetId = 'fs'): Claim => fileClaim(name, fileSetId, path)!;
const folder = (name: string, prefix: string, exclude: string[] = [], fileSetId = 'fs'): Claim => folderClaim(name, fileSetId, prefix, exclude)!;

/** Whether the loader's plan of `folder` (nothing local, prune on) deletes the remote file at `path`. */
function loaderPrunes(f: Extract<Claim, { kind: 'folder' }>, path: string): boolean {
  const plan = planEntry([], [{ path, id: 'id-1', kind: 'file', size: 1, hash: 'h' }], {
    line: 0,
    source: '/nowhere',
    directoryPath: f.prefix,
    selection: normalizeSelection({ exclude: f.exclude }),
    prune: true,
    maxDeletePercent: 100,
    allowEmpty: true,
  });
  return plan.deletes.some((d) => d.path === path);
}

describe('the overlap rule', () => {
  it('a file under a folder prefix conflicts unless the folder excludes it, naming both and the fix', () => {
    expect(conflictOf(file('about', 'docs/a.md'), folder('handbook', 'docs'))).toBe(
      "FileSetFile 'about' (path 'docs/a.md') is inside FileSetFolder 'handbook' (prefix 'docs') and would be pruned by it; exclude it in the folder (exclude: ['a.md']) or move it",
    );
    expect(conflictOf(folder('handbook', ''), file('about', 'a.md'))).toMatch(/'about'.*inside FileSetFolder 'handbook' \(prefix '' \(the root\)\)/);
    expect(conflictOf(file('about', 'docs/a.md'), folder('handbook', 'docs', ['a.md']))).toBeUndefined();
    expect(conflictOf(file('about', 'docs/sub/a.md'), folder('handbook', 'docs', ['sub']))).toBeUndefined();
    expect(conflictOf(file('about', 'docs/a.md'), folder('handbook', 'docs', ['*.txt']))).toMatch(/would be pruned/);
    expect(conflictOf(file('about', 'other/a.md'), folder('handbook', 'docs'))).toBeUndefined();
    expect(conflictOf(file('about', 'docs/a.md'), folder('handbook', 'docs', [], 'another-fileset'))).toBeUndefined();
  });

  it('folders conflict when their prefixes overlap, unless the outer one excludes the inner prefix', () => {
    expect(conflictOf(folder('a', 'docs'), folder('b', 'docs'))).toMatch(/'a'.*'b'.*same prefix/);
    expect(conflictOf(folder('v2', 'docs/v2'), folder('docs', 'docs'))).toBe(
      "FileSetFolder 'v2' (prefix 'docs/v2') is inside FileSetFolder 'docs' (prefix 'docs'), which would prune its files; exclude it in 'docs' (exclude: ['v2']) or use prefixes that do not overlap",
    );
    expect(conflictOf(folder('root', ''), folder('v2', 'docs/v2'))).toMatch(/exclude: \['docs\/v2'\]/);
    expect(conflictOf(folder('v2', 'docs/v2'), folder('docs', 'docs', ['v2/**']))).toBeUndefined();
    expect(conflictOf(folder('v2', 'docs/v2'), folder('docs', 'docs', ['v2']))).toBeUndefined();
    expect(conflictOf(folder('a', 'docs'), folder('b', 'docs2'))).toBeUndefined();
  });

  it('files conflict on the same path, and where one needs the other to be a directory', () => {
    expect(conflictOf(file('a', 'x.md'), file('b', 'x.md'))).toMatch(/same path/);
    expect(conflictOf(file('a', 'docs'), file('b', 'docs/x.md'))).toMatch(/'b'.*needs 'docs' to be a directory.*'a'/);
    expect(conflictOf(file('a', 'docs'), folder('f', 'docs/v2'))).toMatch(/'f'.*needs 'docs' to be a directory/);
    expect(conflictOf(file('a', 'x.md'), file('b', 'y.md'))).toBeUndefined();
  });

  it('two FileSetAccess of one FileSet conflict; with other FileSets, or with files and folders, they do not', () => {
    const access = (name: string, fileSetId = 'fs'): Claim => accessClaim(name, fileSetId)!;
    expect(conflictOf(access('team'), access('reviewers'))).toBe(
      "FileSetAccess 'team' and FileSetAccess 'reviewers' both manage the grants of FileSet fs; each would revoke what the other grants, so keep one FileSetAccess per FileSet",
    );
    expect(conflictOf(access('team'), access('reviewers', 'other'))).toBeUndefined();
    expect(conflictOf(access('team'), folder('f', ''))).toBeUndefined();
    expect(conflictOf(file('a', 'x.md'), access('team'))).toBeUndefined();
    expect(accessClaim('team', undefined)).toBeNull();
  });

  it('property: a file is reported as pruned exactly when the loader would prune it', () => {
    const seg = fc.constantFrom('a', 'b', 'docs', 'x.md', 'y.tmp', '.hidden');
    const pattern = fc.constantFrom('a', 'b/**', '**/*.tmp', 'docs/x.md', '*.md', 'a/b', '.hidden');
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 3 }), fc.array(seg, { maxLength: 2 }), fc.array(pattern, { maxLength: 3 }), (p, d, exclude) => {
        const path = p.join('/');
        const f = folder('f', d.join('/'), exclude) as Extract<Claim, { kind: 'folder' }>;
        const c = conflictOf(file('x', path), f);
        expect(loaderPrunes(f, path)).toBe(c !== undefined && c.includes('would be pruned'));
      }),
      { numRuns: 400 },
    );
  });

  it('property: nested folders are reported exactly when the outer one would prune a file of the inner one', () => {
    const seg = fc.constantFrom('a', 'b', 'docs', 'v2');
    const pattern = fc.constantFrom('a', 'b/**', 'docs', 'v2', 'a/v2', '**/*.tmp');
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 2 }), fc.array(seg, { minLength: 1, maxLength: 2 }), fc.array(pattern, { maxLength: 3 }), (o, rest, exclude) => {
        const outer = folder('outer', o.join('/'), exclude) as Extract<Claim, { kind: 'folder' }>;
        const inner = folder('inner', [...o, ...rest].join('/'));
        const c = conflictOf(inner, outer);
        expect(loaderPrunes(outer, `${[...o, ...rest].join('/')}/zz/file.bin`)).toBe(c !== undefined);
      }),
      { numRuns: 300 },
    );
  });
});

describe('constructors under setMocks: the hidden overlaps input', () => {
  it('the later resource carries the conflict; excluded paths and other FileSets carry none', async () => {
    const seen = await captureProviders(() => {
      const fs = new FileSet('docs', { name: 'docs' });
      const other = new FileSet('other', { name: 'other' });
      return [
        fs,
        other,
        new FileSetFile('about', { fileSetId: fs.id, path: 'handbook/about.md', content: 'x' }),
        new FileSetFile('kept', { fileSetId: fs.id, path: 'handbook/kept.md', content: 'x' }),
        new FileSetFolder('handbook', { fileSetId: fs.id, source: 'docs', directoryPath: 'handbook', exclude: ['kept.md'] }),
        new FileSetFolder('elsewhere', { fileSetId: other.id, source: 'docs', directoryPath: 'handbook' }),
      ];
    });
    const overlaps = Object.fromEntries(seen.map((r) => [r.name, r.inputs.overlaps]));
    expect(overlaps.docs).toBeUndefined();
    expect(overlaps.about).toEqual([]);
    expect(overlaps.kept).toEqual([]);
    expect(overlaps.handbook).toEqual([
      "FileSetFile 'about' (path 'handbook/about.md') is inside FileSetFolder 'handbook' (prefix 'handbook') and would be pruned by it; exclude it in the folder (exclude: ['about.md']) or move it",
    ]);
    expect(overlaps.elsewhere).toEqual([]);
  });

  it('a second FileSetAccess for the same FileSet carries the conflict', async () => {
    const seen = await captureProviders(() => {
      const fs = new FileSet('docs', { name: 'docs' });
      return [
        fs,
        new FileSetAccess('team', { fileSetId: fs.id, grants: [{ group: 70, permission: 'EDIT' }] }),
        new FileSetAccess('reviewers', { fileSetId: fs.id, grants: [{ group: 80, permission: 'READ' }] }),
      ];
    });
    const overlaps = Object.fromEntries(seen.map((r) => [r.name, r.inputs.overlaps]));
    expect(overlaps.team).toEqual([]);
    expect(overlaps.reviewers).toEqual([
      expect.stringMatching(/^FileSetAccess 'reviewers' and FileSetAccess 'team' both manage the grants of FileSet docs-id/),
    ]);
  });

  it('each program starts with no claims (a second setMocks run sees none of the first)', async () => {
    // 'docs-id' is the id the mocks gave the FileSet of the program above, which also held this path.
    const seen = await captureProviders(() => [new FileSetFile('about', { fileSetId: 'docs-id', path: 'handbook/about.md', content: 'x' })]);
    expect(seen[0].inputs.overlaps).toEqual([]);
  });

  it('preview: an unknown FileSet id leaves the conflicts unknown, so check has nothing to fail on', async () => {
    const seen = await captureProviders(
      () => {
        const id = pulumi.output(pulumi.unknown) as pulumi.Output<string>;
        return [
          new FileSetFile('about', { fileSetId: id, path: 'handbook/about.md', content: 'x' }),
          new FileSetFolder('handbook', { fileSetId: id, source: 'docs', directoryPath: 'handbook' }),
        ];
      },
      'dev',
      true,
    );
    const handbook = seen.find((r) => r.name === 'handbook')!;
    expect(pulumi.isUnknown(handbook.inputs.overlaps)).toBe(true);
  });
});
