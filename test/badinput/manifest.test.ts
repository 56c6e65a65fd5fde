/**
 * Bad manifests and bad configuration, the CLI as a child process against the emulator: each gives one line
 * on stderr (`domo-filesets: error: …`, no stack), exit 1, and no mutating request at all.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, expectOneLineError, logFigures, runCli, startBackend, workspace, type Backend, type Workspace } from '../support/harness';

beforeAll(assertBuilt);

let ws: Workspace;
let be: Backend;
beforeAll(async () => {
  be = await startBackend();
});
afterAll(async () => be?.close());
beforeEach(async () => {
  ws = await workspace('badinput');
  await ws.write('src/a.md', 'a');
  await ws.write('src/sub/b.md', 'b');
  await ws.write('outside.md', 'not under src');
});
afterEach(async () => ws?.cleanup());

const HEAD = 'version: 1\nfilesets:\n';
const entry = (extra: string): string => `${HEAD}  - name: bad\n    source: ./src\n${extra}`;

/** [case, manifest text, what the one error line must say]. */
const CASES: [string, string, RegExp][] = [
  ['malformed YAML (unclosed flow sequence)', `${HEAD}  - name: bad\n    source: ./src\n    include: ["**/*.md"\n`, /manifest\.yaml:\d+/],
  ['malformed YAML (tab indentation)', `${HEAD}\t- name: bad\n`, /manifest\.yaml:\d+/],
  ['not a mapping at the top', '- just\n- a list\n', /manifest\.yaml:1/],
  ['empty file', '', /manifest\.yaml/],
  ['wrong version', 'version: 2\nfilesets: []\n', /manifest\.yaml:1:.*version/],
  ['filesets not a list', 'version: 1\nfilesets: docs\n', /manifest\.yaml:2:.*filesets/],
  ['name is a number', `${HEAD}  - name: 12\n    source: ./src\n`, /manifest\.yaml:3:.*name/],
  ['prune is a string', entry('    prune: "yes"\n'), /manifest\.yaml:5:.*prune/],
  ['maxDeletes negative', entry('    maxDeletes: -1\n'), /manifest\.yaml:5:.*maxDeletes/],
  ['maxDeletePercent above 100', entry('    maxDeletePercent: 101\n'), /manifest\.yaml:5:.*maxDeletePercent/],
  ['include is a number', entry('    include: 5\n'), /manifest\.yaml:5:.*include/],
  ['exclude holds a mapping', entry('    exclude: [{a: 1}]\n'), /manifest\.yaml:5:.*exclude/],
  ['unknown key in an entry', entry('    naem: typo\n'), /manifest\.yaml:5:.*naem/],
  ['unknown key at the top', 'version: 1\nfilesetz: []\n', /manifest\.yaml:2:.*filesetz/],
  ['missing ${VAR} without default', `${HEAD}  - name: docs-\${NOPE_NOT_SET_ANYWHERE}\n    source: ./src\n`, /manifest\.yaml:3:.*NOPE_NOT_SET_ANYWHERE/],
  ['unterminated ${', `${HEAD}  - name: docs-\${PR\n    source: ./src\n`, /manifest\.yaml:3/],
  ['source missing', `${HEAD}  - name: bad\n    source: ./nope\n`, /manifest\.yaml:\d+:.*nope/],
  ['source is a file', `${HEAD}  - name: bad\n    source: ./outside.md\n`, /manifest\.yaml:\d+:.*not a directory/],
  ['source missing key', `${HEAD}  - name: bad\n`, /manifest\.yaml:3:.*source/],
  ['include with ..', entry('    include: ["../**"]\n'), /\.\./],
  ['include absolute', entry('    include: ["/etc/**"]\n'), /absolute|\/etc/],
  ['exclude with ..', entry('    exclude: ["../outside.md"]\n'), /\.\./],
  ['directoryPath with ..', entry('    directoryPath: ../escape\n'), /manifest\.yaml:5:.*directoryPath/],
  ['directoryPath with a NUL', entry('    directoryPath: "a\\0b"\n'), /manifest\.yaml:5:.*directoryPath/],
  ['id and name disagree in type', `${HEAD}  - name: bad\n    id: [1]\n    source: ./src\n`, /manifest\.yaml:4:.*id/],
  ['the same directoryPath twice for one FileSet', `${HEAD}  - name: bad\n    source: ./src\n  - name: bad\n    source: ./src\n`, /manifest\.yaml:\d+/],
];

describe('bad manifests: one line naming file:line, exit 1, nothing sent that changes data', () => {
  const tried: string[] = [];
  afterAll(() => logFigures('badinput-manifest', { tried: tried.length }));

  for (const [label, text, want] of CASES) {
    it(label, async () => {
      tried.push(label);
      writeFileSync(join(ws.dir, 'manifest.yaml'), text);
      const before = be.emu.stats().mutating;
      for (const cmd of [['plan'], ['apply']]) {
        const r = await runCli([...cmd, '-f', 'manifest.yaml'], { env: be.env, cwd: ws.dir });
        expect(r.code).toBe(1);
        expect(expectOneLineError(r.stderr)).toMatch(want);
        expect(r.stdout).toBe('');
        expect(r.stderr).not.toContain(be.token);
      }
      expect(be.emu.stats().mutating).toBe(before);
    });
  }
});

describe('edge inputs that are valid: they work exactly, or fail with one line (observed: they work)', () => {
  it('a leading slash in directoryPath is the same prefix without it (never an absolute local path)', async () => {
    await ws.manifest(entry('    directoryPath: /abs\n'));
    const r = await runCli(['apply', '-f', 'manifest.yaml', '--format', 'json'], { env: be.env, cwd: ws.dir });
    expect(r.code).toBe(0);
    const paths = (JSON.parse(r.stdout) as { filesets: { actions: { path: string }[] }[] }).filesets[0].actions.map((a) => a.path).sort();
    expect(paths).toEqual(['abs/a.md', 'abs/sub/b.md']);
  });

  it('a FileSet name of 10,000 characters works end to end, and the next run is a no-op', async () => {
    const name = `long-${'n'.repeat(10_000)}`;
    await ws.manifest(`${HEAD}  - name: ${name}\n    source: ./src\n`);
    const r = await runCli(['apply', '-f', 'manifest.yaml'], { env: be.env, cwd: ws.dir });
    expect(r.code).toBe(0);
    const ids = (await be.client.findFileSetsByName(name)).map((f) => f.id);
    expect(ids).toHaveLength(1);
    const paths: string[] = [];
    for await (const f of be.client.listFiles(ids[0], { filesOnly: true })) paths.push(f.path);
    expect(paths.sort()).toEqual(['a.md', 'sub/b.md']);
    const before = be.emu.stats().mutating;
    expect((await runCli(['apply', '-f', 'manifest.yaml'], { env: be.env, cwd: ws.dir })).code).toBe(0);
    expect(be.emu.stats().mutating).toBe(before);
  });
});

describe('names too long to list: refused up front', () => {
  // Regression guard (fixed in loader/manifest.ts after a reliability request): a 10,000-character directoryPath was
  // accepted, the first apply uploaded (the path travels in the multipart body), and every later plan/apply failed
  // with a 15 KB "431" line because the listing puts directoryPath in the query string — a FileSet the tool created
  // and then could not manage. It must be refused before any request, naming manifest.yaml:5, in a short line.
  it('a directoryPath of 10,000 characters: one line naming file:line, exit 1, nothing sent that changes data', async () => {
    await ws.manifest(entry(`    directoryPath: ${'d/'.repeat(5_000)}x\n`));
    const before = be.emu.stats().mutating;
    const r = await runCli(['apply', '-f', 'manifest.yaml'], { env: be.env, cwd: ws.dir });
    expect(r.code).toBe(1);
    const line = expectOneLineError(r.stderr);
    expect(line).toMatch(/manifest\.yaml:5:.*directoryPath/);
    expect(line.length).toBeLessThan(1000);
    expect(be.emu.stats().mutating).toBe(before);
  });
});

describe('bad configuration', () => {
  it('no token: names the variables, exit 1, nothing sent', async () => {
    await ws.manifest(entry(''));
    const before = be.emu.stats().total;
    const r = await runCli(['apply', '-f', 'manifest.yaml'], { env: { DOMO_BASE_URL: be.emu.url }, cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/DOMO_DEVELOPER_TOKEN/);
    expect(be.emu.stats().total).toBe(before);
  });

  it('no instance: names DOMO_INSTANCE and DOMO_BASE_URL', async () => {
    await ws.manifest(entry(''));
    const r = await runCli(['plan', '-f', 'manifest.yaml'], { env: { DOMO_DEVELOPER_TOKEN: be.token }, cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/DOMO_INSTANCE.*DOMO_BASE_URL|DOMO_BASE_URL.*DOMO_INSTANCE/);
    expect(r.stderr).not.toContain(be.token);
  });

  it('bad flag values: --concurrency 0, --max-deletes -1, --format xml, a missing -f', async () => {
    await ws.manifest(entry(''));
    for (const args of [
      ['apply', '-f', 'manifest.yaml', '--concurrency', '0'],
      ['apply', '-f', 'manifest.yaml', '--max-deletes', '-1'],
      ['plan', '-f', 'manifest.yaml', '--format', 'xml'],
      ['apply'],
      ['destroy', '-f', 'manifest.yaml'],
    ]) {
      const before = be.emu.stats().mutating;
      const r = await runCli(args, { env: be.env, cwd: ws.dir });
      expect(r.code).toBe(1);
      expectOneLineError(r.stderr);
      expect(be.emu.stats().mutating).toBe(before);
    }
  });

  it('a manifest file that does not exist, and one that is a directory', async () => {
    for (const f of ['nope.yaml', 'src']) {
      const r = await runCli(['plan', '-f', f], { env: be.env, cwd: ws.dir });
      expect(r.code).toBe(1);
      expect(expectOneLineError(r.stderr)).toContain(f);
    }
  });
});
