/** Manifest parsing: defaults, interpolation, and one-line errors that name the file and line. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { loadManifest, ManifestError } from '../../loader';
import { parseManifest } from '../../loader/manifest';
import { interpolate } from '../../loader/interpolate';

const FILE = '/repo/examples/manifest.yaml';
const parse = (text: string, env: Record<string, string | undefined> = {}) => parseManifest(text, { file: FILE, shown: 'examples/manifest.yaml', env });
const errorOf = (text: string, env: Record<string, string | undefined> = {}): string => {
  try {
    parse(text, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return (e as Error).message;
  }
  throw new Error('expected a ManifestError');
};

describe('manifest', () => {
  test('a full entry with defaults applied and paths resolved against the manifest', () => {
    const m = parse(
      `version: 1
filesets:
  - name: "docs-\${PR_NUMBER:-main}"
    description: Product docs
    source: ./docs
    exclude: ["**/*.tmp"]
    directoryPath: /handbook/
  - name: other
    id: abc-123
    source: ../data
    include: "**/*.pdf"
    prune: false
    maxDeletes: 10
    maxDeletePercent: 12.5
    allowEmpty: true
    dot: true
`,
      { PR_NUMBER: '42' },
    );
    expect(m.file).toBe(FILE);
    expect(m.dir).toBe('/repo/examples');
    expect(m.filesets[0]).toEqual({
      name: 'docs-42',
      description: 'Product docs',
      source: '/repo/examples/docs',
      include: ['**/*'],
      exclude: ['**/*.tmp'],
      directoryPath: 'handbook',
      prune: true,
      maxDeletePercent: 50,
      allowEmpty: false,
      dot: false,
      line: 3,
      contentTypes: {},
    });
    expect(m.filesets[1]).toMatchObject({
      name: 'other',
      id: 'abc-123',
      source: '/repo/data',
      include: ['**/*.pdf'],
      prune: false,
      maxDeletes: 10,
      maxDeletePercent: 12.5,
      allowEmpty: true,
      dot: true,
      line: 8,
    });
  });

  test('the default of ${VAR:-default} applies when the variable is unset or empty', () => {
    const text = 'version: 1\nfilesets:\n  - name: "pr-${PR_NUMBER:-main}"\n    source: .\n';
    expect(parse(text).filesets[0].name).toBe('pr-main');
    expect(parse(text, { PR_NUMBER: '' }).filesets[0].name).toBe('pr-main');
    expect(parse(text, { PR_NUMBER: '7' }).filesets[0].name).toBe('pr-7');
  });

  test('numbers and booleans may come from variables', () => {
    const m = parse('version: 1\nfilesets:\n  - name: a\n    source: .\n    maxDeletes: ${MAXD:-5}\n    prune: ${PRUNE}\n', { PRUNE: 'false' });
    expect(m.filesets[0]).toMatchObject({ maxDeletes: 5, prune: false });
  });

  test('an unknown key names the line and suggests the right one', () => {
    expect(
      errorOf(`version: 1
filesets:
  - name: docs
    source: ./docs


    prnue: true
`),
    ).toBe("examples/manifest.yaml:7: unknown key 'prnue' in filesets[0] (did you mean 'prune'?)");
    expect(errorOf('version: 1\nfilesets: []\nextra: 1\n')).toMatch(/^examples\/manifest.yaml:3: unknown key 'extra' in the manifest/);
  });

  test.each([
    ['missing version', 'filesets: []\n', /:1: missing 'version: 1'/],
    ['wrong version', 'version: 2\nfilesets: []\n', /:1: 'version' must be 1/],
    ['filesets not a list', 'version: 1\nfilesets: {}\n', /:2: 'filesets' must be a list/],
    ['malformed YAML', 'version: 1\nfilesets:\n  - name: [unclosed\n', /:\d+: invalid YAML/],
    ['duplicate key', 'version: 1\nversion: 1\nfilesets: []\n', /:2: invalid YAML: Map keys must be unique/],
    ['missing name', 'version: 1\nfilesets:\n  - source: .\n', /:3: filesets\[0\]: missing 'name'/],
    ['name not a string', 'version: 1\nfilesets:\n  - name: 12\n    source: .\n', /:3: filesets\[0\].name must be a string \(quote it\)/],
    ['prune not boolean', 'version: 1\nfilesets:\n  - name: a\n    source: .\n    prune: yes\n', /:5: filesets\[0\].prune must be true or false/],
    [
      'negative maxDeletes',
      'version: 1\nfilesets:\n  - name: a\n    source: .\n    maxDeletes: -1\n',
      /:5: filesets\[0\].maxDeletes must be a whole number >= 0/,
    ],
    ['fractional maxDeletes', 'version: 1\nfilesets:\n  - name: a\n    source: .\n    maxDeletes: 1.5\n', /:5: .*whole number/],
    [
      'percent out of range',
      'version: 1\nfilesets:\n  - name: a\n    source: .\n    maxDeletePercent: 101\n',
      /:5: filesets\[0\].maxDeletePercent must be a number from 0 to 100/,
    ],
    [
      'absolute pattern',
      'version: 1\nfilesets:\n  - name: a\n    source: .\n    include: ["/etc/*"]\n',
      /:5: filesets\[0\].include: pattern '\/etc\/\*' is absolute/,
    ],
    [
      '.. pattern',
      'version: 1\nfilesets:\n  - name: a\n    source: .\n    exclude:\n      - ok\n      - ../x/**\n',
      /:7: filesets\[0\].exclude: pattern '..\/x\/\*\*' contains '..'/,
    ],
    [
      '.. directoryPath',
      'version: 1\nfilesets:\n  - name: a\n    source: .\n    directoryPath: a/../b\n',
      /:5: .*directoryPath 'a\/..\/b' has a "\.\." segment/,
    ],
    ['missing variable', 'version: 1\nfilesets:\n  - name: a\n    source: "${SRC}"\n', /:4: environment variable 'SRC' is not set/],
    ['bad variable syntax', 'version: 1\nfilesets:\n  - name: "a-${1X}"\n    source: .\n', /:3: bad variable reference/],
    ['empty document', '', /: the manifest is empty/],
  ])('%s', (_title, text, re) => {
    const msg = errorOf(text);
    expect(msg).toMatch(/^examples\/manifest.yaml/);
    expect(msg).toMatch(re);
    expect(msg).not.toContain('\n');
  });

  test('entries of one FileSet must own disjoint directoryPaths', () => {
    const ok = parse(
      'version: 1\nfilesets:\n  - name: a\n    source: x\n    directoryPath: handbook\n  - name: a\n    source: y\n    directoryPath: handbooks\n',
    );
    expect(ok.filesets).toHaveLength(2);
    expect(
      errorOf('version: 1\nfilesets:\n  - name: a\n    source: x\n    directoryPath: hb\n  - name: a\n    source: y\n    directoryPath: hb/sub\n'),
    ).toMatch(/:6: entries on lines 3 and 6 reach the same FileSet with overlapping directoryPaths 'hb' and 'hb\/sub'/);
    expect(errorOf('version: 1\nfilesets:\n  - name: a\n    source: x\n  - name: a\n    source: y\n')).toMatch(
      /:5: entries on lines 3 and 5 reach the same FileSet with overlapping/,
    );
  });

  test('one id with two names, or one name with two ids, is refused', () => {
    expect(errorOf('version: 1\nfilesets:\n  - name: a\n    id: X\n    source: x\n  - name: b\n    id: X\n    source: y\n    directoryPath: d\n')).toMatch(
      /:6: FileSet id 'X' is declared with two names/,
    );
    expect(errorOf('version: 1\nfilesets:\n  - name: a\n    id: X\n    source: x\n  - name: a\n    source: y\n    directoryPath: d\n')).toMatch(
      /:6: FileSet name 'a' is declared twice with different ids/,
    );
  });

  const twoEntries = (a: string, b: string): string =>
    `version: 1\nfilesets:\n  - name: kb\n    source: x\n    directoryPath: handbook\n${a}  - name: kb\n    source: y\n    directoryPath: policies\n${b}`;

  test.each([
    ['aiEnabled', '    aiEnabled: true\n', '    aiEnabled: false\n'],
    ['access', '    access:\n      - {group: 7, permission: READ}\n', '    access:\n      - {group: 7, permission: EDIT}\n'],
    ['owner', '    owner: 5\n    allowOwnerTransfer: true\n', '    owner: 6\n    allowOwnerTransfer: true\n'],
  ])('entries of one FileSet that disagree on %s: one error naming both lines', (key, a, b) => {
    const second = 6 + a.split('\n').length - 1;
    expect(errorOf(twoEntries(a, b))).toBe(
      `examples/manifest.yaml:${second}: entries on lines 3 and ${second} reach the same FileSet but disagree on '${key}'; give it once, or the same value in both`,
    );
    // Given once, or the same in both, it is one setting of the FileSet.
    expect(parse(twoEntries(a, '')).filesets).toHaveLength(2);
    expect(parse(twoEntries(a, a)).filesets).toHaveLength(2);
  });

  test('the same grants listed in another order are not a disagreement', () => {
    const m = parse(
      twoEntries(
        '    access:\n      - {group: 7, permission: READ}\n      - {user: 3, permission: EDIT}\n',
        '    access:\n      - {user: 3, permission: EDIT}\n      - {group: 7, permission: READ}\n',
      ),
    );
    expect(m.filesets).toHaveLength(2);
  });

  test.each([
    [
      'an unknown permission',
      '    access:\n      - user: 3\n        permission: WRITE\n',
      /:7: filesets\[0\]\.access\[0\]\.permission must be READ, EDIT or OWNER \(got 'WRITE'\)/,
    ],
    [
      'NONE (revoking is leaving a principal out)',
      '    access:\n      - user: 3\n        permission: NONE\n',
      /:7: .*must be READ, EDIT or OWNER \(got 'NONE'\); leave a principal out to revoke it/,
    ],
    [
      'both user and group',
      '    access:\n      - user: 3\n        group: 4\n        permission: READ\n',
      /:6: filesets\[0\]\.access\[0\] needs exactly one of 'user' or 'group'/,
    ],
    ['neither user nor group', '    access:\n      - permission: READ\n', /:6: filesets\[0\]\.access\[0\] needs exactly one of 'user' or 'group'/],
    ['a grant without a permission', '    access:\n      - group: 4\n', /:6: filesets\[0\]\.access\[0\]: missing 'permission'/],
    [
      'a user id that is not a number',
      '    access:\n      - user: alice\n        permission: READ\n',
      /:6: filesets\[0\]\.access\[0\]\.user must be a whole number >= 1/,
    ],
    [
      'one principal granted twice',
      '    access:\n      - {user: 3, permission: READ}\n      - {user: 3, permission: EDIT}\n',
      /:7: filesets\[0\]\.access\[1\]: user 3 is granted twice \(also on line 6\)/,
    ],
    ['access that is not a list', '    access: {user: 3, permission: READ}\n', /:5: filesets\[0\]\.access must be a list/],
    ['owner 0', '    owner: 0\n', /:5: filesets\[0\]\.owner must be a whole number >= 1/],
    ['a negative owner', '    owner: -4\n', /:5: filesets\[0\]\.owner must be a whole number >= 1/],
    ['a fractional owner', '    owner: 1.5\n', /:5: filesets\[0\]\.owner must be a whole number >= 1/],
    ['an owner given by name', '    owner: alice\n', /:5: filesets\[0\]\.owner must be a whole number >= 1/],
    [
      'a contentTypes key without a leading dot',
      '    contentTypes:\n      ".md": text/markdown\n      txt: text/plain\n',
      /:7: filesets\[0\]\.contentTypes: 'txt' is not an extension like "\.md"/,
    ],
    ['an empty content type', '    contentTypes:\n      ".md": ""\n', /:6: filesets\[0\]\.contentTypes\.\.md: '' is not a media type like text\/markdown/],
    ['a content type without a subtype', '    contentTypes:\n      ".md": markdown\n', /:6: filesets\[0\]\.contentTypes\.\.md: 'markdown' is not a media type/],
    ['contentTypes that is a list', '    contentTypes: [".md"]\n', /:5: filesets\[0\]\.contentTypes must be a mapping of "\.ext": "type\/subtype"/],
  ])('knowledge-base keys: %s is one line naming the file and line', (_what, extra, re) => {
    const msg = errorOf(`version: 1\nfilesets:\n  - name: kb\n    source: ./docs\n${extra}`);
    expect(msg).toMatch(/^examples\/manifest\.yaml:\d+: /);
    expect(msg).toMatch(re);
    expect(msg).not.toContain('\n');
  });

  test('loadManifest checks that each source is a directory, naming the entry line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mf-'));
    mkdirSync(path.join(dir, 'docs'));
    writeFileSync(path.join(dir, 'file.txt'), 'x');
    writeFileSync(path.join(dir, 'm.yaml'), 'version: 1\nfilesets:\n  - name: a\n    source: docs\n  - name: b\n    source: missing\n');
    await expect(loadManifest(path.join(dir, 'm.yaml'), {})).rejects.toThrow(/m.yaml:5: source 'missing' does not exist/);
    writeFileSync(path.join(dir, 'm.yaml'), 'version: 1\nfilesets:\n  - name: a\n    source: file.txt\n');
    await expect(loadManifest(path.join(dir, 'm.yaml'), {})).rejects.toThrow(/m.yaml:3: source 'file.txt' is not a directory/);
    writeFileSync(path.join(dir, 'm.yaml'), 'version: 1\nfilesets:\n  - name: a\n    source: docs\n');
    const m = await loadManifest(path.join(dir, 'm.yaml'), {});
    expect(m.filesets[0].source).toBe(path.join(dir, 'docs'));
    await expect(loadManifest(path.join(dir, 'nope.yaml'), {})).rejects.toThrow(ManifestError);
  });

  test('the parser throws only ManifestError, for any input', () => {
    const yamlish = fc.stringMatching(/^[\sa-zA-Z0-9:\-[\]{}"'#&*!|>%@`,.$\\/]*$/, { maxLength: 200 });
    const structured = fc
      .record({
        version: fc.oneof(fc.constant(1), fc.anything()),
        filesets: fc.oneof(
          fc.array(fc.dictionary(fc.constantFrom('name', 'source', 'id', 'prune', 'include', 'maxDeletes', 'x', 'dot'), fc.anything())),
          fc.anything(),
        ),
      })
      .map((o) => JSON.stringify(o));
    fc.assert(
      fc.property(fc.oneof(fc.string(), yamlish, structured), (text) => {
        try {
          parse(text, { A: 'x' });
        } catch (e) {
          if (!(e instanceof ManifestError)) throw e;
          expect(e.message).not.toContain('\n');
          // the parser's last-resort wrapper must never be needed: every input is foreseen
          expect(e.message).not.toMatch(/cannot parse the manifest/);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('interpolate', () => {
  test('forms', () => {
    expect(interpolate('a-${X}-${Y:-d}-$$-$Z', { X: '1' })).toBe('a-1-d-$-$Z');
    expect(() => interpolate('${X', {})).toThrow(/unterminated/);
    expect(() => interpolate('${}', {})).toThrow(/bad variable reference/);
  });
});
