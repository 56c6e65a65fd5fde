import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../loader/types';
import { mutatingSince, expectOneLineError, runCli, useCliWorkspace, type CliWorkspace } from '../support/harness';

const fx = useCliWorkspace({
  setup: async (fx: CliWorkspace) => {
    await fx.ws.write('src/a.md', 'a');
  },
});

const cli = fx.cli;

describe('bad manifests: one line naming file and line, exit 1, nothing sent', () => {
  it.each([
    ['malformed YAML', 'version: 1\nfilesets:\n  - name: x\n    source: [unclosed\n', /manifest\.yaml:\d+/],
    ['unknown key', 'version: 1\nfilesets:\n  - name: x\n    source: ./src\n    colour: blue\n', /manifest\.yaml:5: .*colour/],
    ['wrong type', 'version: 1\nfilesets:\n  - name: x\n    source: ./src\n    prune: sometimes\n', /manifest\.yaml:5: .*prune/],
    ['missing variable', 'version: 1\nfilesets:\n  - name: "docs-${E2E_SURELY_UNSET_VAR}"\n    source: ./src\n', /manifest\.yaml:3: .*E2E_SURELY_UNSET_VAR/],
    [
      'source escaping the manifest dir is fine but .. patterns are not',
      'version: 1\nfilesets:\n  - name: x\n    source: ./src\n    include: ["../**"]\n',
      /manifest\.yaml:5/,
    ],
    ['wrong version', 'version: 2\nfilesets: []\n', /manifest\.yaml:1: .*version/],
  ])('%s', async (_label, yaml, pattern) => {
    const file = await fx.ws.manifest(yaml);
    const m0 = fx.be.emu.stats().total;
    for (const cmd of [
      ['plan', '-f', file],
      ['apply', '-f', file],
    ]) {
      const r = await cli(cmd);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(expectOneLineError(r.stderr)).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(fx.be.emu.stats().total - m0).toBe(0);
  });

  it('a missing manifest file names the file', async () => {
    const r = await cli(['plan', '-f', 'nope.yaml']);
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/nope\.yaml/);
  });

  it('interpolates ${VAR:-default} from the environment', async () => {
    const file = await fx.ws.manifest('version: 1\nfilesets:\n  - name: "docs-${PR_NUMBER:-main}"\n    source: ./src\n');
    const withVar = JSON.parse((await cli(['plan', '-f', file, '--format', 'json'], { PR_NUMBER: '42' })).stdout) as Report;
    expect(withVar.filesets[0].name).toBe('docs-42');
    const without = JSON.parse((await cli(['plan', '-f', file, '--format', 'json'])).stdout) as Report;
    expect(without.filesets[0].name).toBe('docs-main');
  });
});

describe('destroy', () => {
  it('refuses without --yes (no prompt when stdin is not a TTY), then deletes with it', async () => {
    await fx.ws.write('other/b.md', 'b');
    const file = await fx.ws.manifest('version: 1\nfilesets:\n  - name: pr-1-docs\n    source: ./src\n  - name: pr-1-kb\n    source: ./other\n');
    expect((await cli(['apply', '-f', file])).code).toBe(0);
    const untouched = await fx.be.client.createFileSet({ name: 'main-docs' });

    const m0 = fx.be.emu.stats().mutating;
    const refused = await cli(['destroy', '-f', file]);
    expect(refused.code).toBe(1);
    expect(expectOneLineError(refused.stderr)).toMatch(/--yes/);
    expect(mutatingSince(fx.be.emu, m0)).toBe(0);

    const r = await cli(['destroy', '-f', file, '--yes', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { filesets: { name: string; id: string | null; deleted: boolean }[] };
    expect(out.filesets.map((f) => [f.name, f.deleted])).toEqual([
      ['pr-1-docs', true],
      ['pr-1-kb', true],
    ]);
    expect(await fx.be.client.findFileSetsByName('pr-1-docs')).toEqual([]);
    expect(await fx.be.client.findFileSetsByName('pr-1-kb')).toEqual([]);
    expect((await fx.be.client.getFileSet(untouched.id)).name).toBe('main-docs');

    const again = await cli(['destroy', '-f', file, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Destroy: 0 FileSets deleted, 2 already absent.');
  });
});

describe('apply --emulator (embedded, persisted next to the manifest)', () => {
  it('needs no credentials, persists under .domo-filesets/emulator, and a second run changes nothing', async () => {
    await fx.ws.write('src/b/c.md', 'c');
    const file = await fx.ws.manifest('version: 1\nfilesets:\n  - name: demo\n    source: ./src\n');
    const env = { DOMO_BASE_URL: '', DOMO_DEVELOPER_TOKEN: '' };
    const first = await runCli(['apply', '-f', file, '--emulator'], { env, cwd: fx.ws.dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^demo\s+2\s+0\s+0\s+0\s+0\s+\S+ B\s+created$/m);
    expect(first.stderr).toContain('embedded emulator');
    expect(existsSync(join(fx.ws.dir, '.domo-filesets', 'emulator'))).toBe(true);

    const second = await runCli(['apply', '-f', file, '--emulator', '--format', 'json'], { env, cwd: fx.ws.dir });
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout) as Report;
    expect(report.filesets[0]).toMatchObject({ summary: { upload: 0, replace: 0, delete: 0, unchanged: 2 }, result: { uploaded: 0, failed: 0 } });
    expect(report.filesets[0].create).toBeUndefined();
  });
});
