/**
 * The knowledge-base side of the CLI, the built CLI as a child process against the emulator: how plans show
 * access and ownership changes, that guards and --dry-run hold them back as they hold back file changes,
 * apply --wait-indexed's timeout and AI-disabled FileSets, an aiEnabled update, status in every format, and
 * tokens without the permission a change needs.
 */
import { statSync } from 'node:fs';
import { fileSetActions } from '../../cli/render/summary';
import type { AccessEntry } from '../../client';
import type { EmulatorOptions } from '../../emulator';
import type { FileSetAction, Report } from '../../loader/types';
import {
  TOKEN,
  assertBuilt,
  expectOneLineError,
  fileSetId,
  localState,
  remoteState,
  runCli,
  startBackend,
  successfulMutations,
  waitFor,
  workspace,
  type Backend,
  type Workspace,
} from '../support/harness';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';

/** A second user of the emulator, given grants by the tests. */
const OTHER = `other-${TOKEN}`;
const OTHER_ID = 9;

let be: Backend | undefined;
let ws: Workspace;
let proxy: FaultProxy | undefined;

beforeAll(assertBuilt);
beforeEach(async () => {
  ws = await workspace('knowledge');
  await ws.write('docs/pto.md', '# Paid time off\nEvery employee gets twenty days of paid time off.\n');
  await ws.write('docs/travel.md', '# Travel\nBook trains.\n');
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await be?.close();
  be = undefined;
  await ws.cleanup();
});

async function backend(opts: EmulatorOptions = {}): Promise<Backend> {
  be = await startBackend({ users: [{ token: OTHER, userId: OTHER_ID }], ...opts });
  return be;
}

/** Runs the CLI in the workspace as `token`'s user (against `url`, default the emulator); no token in any output. */
async function cli(args: string[], token = TOKEN, url = be!.emu.url) {
  const r = await runCli(args, { env: { DOMO_BASE_URL: url, DOMO_DEVELOPER_TOKEN: token }, cwd: ws.dir });
  expect(r.stdout + r.stderr).not.toContain(TOKEN);
  return r;
}

/** Writes manifest.yaml: one FileSet `kb` from ./docs with the extra entry lines given. */
const kb = (extra = ''): Promise<string> => ws.manifest(`version: 1\nfilesets:\n  - name: kb\n    source: ./docs\n${extra}`);

async function applied(extra: string): Promise<string> {
  await kb(extra);
  const r = await cli(['apply', '-f', 'manifest.yaml']);
  expect(r.code).toBe(0);
  return fileSetId(be!.client, 'kb');
}

const grantsOf = async (id: string): Promise<string[]> =>
  (await be!.client.getAccess(id)).fileSetAccess.map((a: AccessEntry) => `${a.entityType} ${a.entityId} ${a.permission}`).sort();

/** Everything a run could have changed about the FileSet: files, fields, owner and grants. */
async function snapshot(id: string) {
  const fs = await be!.client.getFileSet(id);
  return { files: await remoteState(be!.client, id), description: fs.description, aiEnabled: fs.aiEnabled, owner: fs.owner, grants: await grantsOf(id) };
}

const settingActions = (r: Report): FileSetAction[] => fileSetActions(r.filesets[0]);

describe('grant, revoke and transfer in plans', () => {
  const ACCESS = '    access:\n      - {group: 7, permission: EDIT}\n      - {group: 12, permission: READ}\n';
  const CHANGED = `${ACCESS}    owner: 5\n    allowOwnerTransfer: true\n`;

  it('are shown with principal and permission in text, json and markdown, by plan and by apply --dry-run, which changes nothing', async () => {
    await backend();
    const id = await applied('    access:\n      - {group: 7, permission: READ}\n      - {user: 3, permission: EDIT}\n');
    await kb(CHANGED);
    const before = await snapshot(id);
    const m0 = be!.emu.stats().mutating;
    const textLines = (out: string): void => {
      expect(out).toContain('  + grant group 7 EDIT (was READ)\n');
      expect(out).toContain('  + grant group 12 READ\n');
      expect(out).toContain('  - revoke user 3 (was EDIT)\n');
      expect(out).toContain('  ~ transfer ownership to user 5 (from 1)\n');
    };
    // Access changes alone are changes: a CI job must see them.
    const text = await cli(['plan', '-f', 'manifest.yaml', '--detailed-exitcode']);
    expect(text.code).toBe(2);
    textLines(text.stdout);

    const json = await cli(['plan', '-f', 'manifest.yaml', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(settingActions(JSON.parse(json.stdout) as Report)).toEqual([
      { op: 'grant', principal: { type: 'GROUP', id: 12 }, permission: 'READ', from: null },
      { op: 'grant', principal: { type: 'GROUP', id: 7 }, permission: 'EDIT', from: 'READ' },
      { op: 'revoke', principal: { type: 'USER', id: 3 }, from: 'EDIT' },
      { op: 'transfer', from: 1, to: 5 },
    ]);

    const md = await cli(['plan', '-f', 'manifest.yaml', '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('<details><summary>Actions (4)</summary>');
    expect(md.stdout).toContain('- 🔑 **grant group 7 EDIT** of `kb`\n');
    expect(md.stdout).toContain('- 🔑 **grant group 12 READ** of `kb`\n');
    expect(md.stdout).toContain('- 🚫 **revoke user 3** of `kb`\n');
    expect(md.stdout).toContain('- 👤 **transfer ownership to user 5** of `kb`\n');

    const dry = await cli(['apply', '--dry-run', '-f', 'manifest.yaml']);
    expect(dry.code).toBe(0);
    textLines(dry.stdout);
    expect(be!.emu.stats().mutating).toBe(m0);
    expect(await snapshot(id)).toEqual(before);
  });

  it('are held back with everything else when a guard refuses the FileSet: exit 3, no grant, revoke, transfer or update made', async () => {
    await backend();
    for (const f of ['a', 'b', 'c']) await ws.write(`docs/${f}.md`, f);
    const id = await applied('    aiEnabled: false\n    access:\n      - {group: 7, permission: READ}\n      - {user: 3, permission: EDIT}\n');
    await ws.remove('docs/a.md');
    await kb(`    maxDeletes: 0\n    aiEnabled: true\n    description: now described\n${CHANGED}`);
    const before = await snapshot(id);
    const m0 = be!.emu.stats().mutating;
    const r = await cli(['apply', '-f', 'manifest.yaml', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(expectOneLineError(r.stderr)).toMatch(/FileSet "kb" refused by maxDeletes/);
    const report = JSON.parse(r.stdout) as Report;
    expect(settingActions(report).map((a) => a.op)).toEqual(['update', 'update', 'grant', 'grant', 'revoke', 'transfer']);
    expect(be!.emu.stats().mutating).toBe(m0);
    expect(await snapshot(id)).toEqual(before);
    // With the guard satisfied (and the token's user keeping ownership), the settings go through.
    await kb(`    maxDeletes: 1\n    aiEnabled: true\n    description: now described\n${ACCESS}`);
    expect((await cli(['apply', '-f', 'manifest.yaml'])).code).toBe(0);
    expect(await snapshot(id)).toMatchObject({ description: 'now described', aiEnabled: true, grants: ['GROUP 12 READ', 'GROUP 7 EDIT', 'USER 1 OWNER'] });
  });
});

describe('apply --wait-indexed', () => {
  it('a timeout shorter than the indexing: exit 1 with the counts on one line; the files are uploaded all the same', async () => {
    await backend({ indexDelayMs: 600_000 });
    await kb('    aiEnabled: true\n');
    const r = await cli(['apply', '-f', 'manifest.yaml', '--wait-indexed', '--index-timeout', '1s', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(
      /: FileSet "kb": indexing not finished in time: 0 completed, 2 pending, 0 skipped; raise --index-timeout or check later with status$/,
    );
    expect((JSON.parse(r.stdout) as Report).filesets[0].index).toEqual({ completed: 0, pending: 2, failed: [], skipped: 0, timedOut: true });
    expect(await remoteState(be!.client, await fileSetId(be!.client, 'kb'))).toEqual(await localState(`${ws.dir}/docs`));
  });

  it('SKIPPED counts as done when the FileSet has AI disabled: exit 0, every uploaded file skipped', async () => {
    await backend({ indexDelayMs: 200 });
    await kb('    aiEnabled: false\n');
    const r = await cli(['apply', '-f', 'manifest.yaml', '--wait-indexed', '--index-timeout', '60s', '--format', 'json']);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Report).filesets[0].index).toEqual({ completed: 0, pending: 0, failed: [], skipped: 2 });
  });
});

/** The index status of every file of the FileSet, by path. */
async function indexStatuses(id: string): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for await (const f of be!.client.listFiles(id, { filesOnly: true })) out[f.path] = f.indexStatus;
  return out;
}

describe('aiEnabled on an existing FileSet', () => {
  it('is planned as an update and applied; the files skipped while AI was off are indexed; the next plan is empty', async () => {
    await backend({ indexDelayMs: 20 });
    const id = await applied('    aiEnabled: false\n');
    const all = (status: string) => async () => Object.values(await indexStatuses(id)).every((s) => s === status);
    await waitFor(all('SKIPPED'), 'the files to be skipped');
    await kb('    aiEnabled: true\n');

    const json = await cli(['plan', '-f', 'manifest.yaml', '--format', 'json']);
    const report = JSON.parse(json.stdout) as Report;
    expect(settingActions(report)).toEqual([{ op: 'update', field: 'aiEnabled', from: false, to: true }]);
    expect(report.filesets[0].summary).toMatchObject({ upload: 0, replace: 0, delete: 0, unchanged: 2 });
    const text = await cli(['plan', '-f', 'manifest.yaml', '--detailed-exitcode']);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('  ~ update aiEnabled false → true\n');

    const r = await cli(['apply', '-f', 'manifest.yaml']);
    expect(r.code).toBe(0);
    expect((await be!.client.getFileSet(id)).aiEnabled).toBe(true);
    await waitFor(all('COMPLETED'), 'the skipped files to be indexed');
    expect((await cli(['plan', '-f', 'manifest.yaml', '--detailed-exitcode'])).code).toBe(0);
  });

  it('apply --wait-indexed that turns AI on waits for the files already there, not only for uploads', async () => {
    await backend({ indexDelayMs: 300 });
    const id = await applied('    aiEnabled: false\n');
    await waitFor(async () => Object.values(await indexStatuses(id)).every((s) => s === 'SKIPPED'), 'the files to be skipped');
    await kb('    aiEnabled: true\n');
    const r = await cli(['apply', '-f', 'manifest.yaml', '--wait-indexed', '--format', 'json']);
    expect(r.code).toBe(0);
    // No upload in this run, yet on exit every file is indexed and the report counts them.
    expect(Object.values(await indexStatuses(id)).every((s) => s === 'COMPLETED')).toBe(true);
    expect((JSON.parse(r.stdout) as { filesets: { index?: { completed: number; pending: number } }[] }).filesets[0].index).toMatchObject({
      completed: 2,
      pending: 0,
    });
  });
});

describe('status', () => {
  it('shows files, bytes, index counts, AI, owner and access in text, markdown and json, and an absent FileSet as absent', async () => {
    await backend({ indexDelayMs: 0 });
    await ws.write('docs/broken.pdf', 'not a pdf at all');
    const id = await applied('    aiEnabled: true\n    access:\n      - {group: 7, permission: READ}\n');
    await be!.client.updateAccess(id, [{ entityId: OTHER_ID, entityType: 'USER', permission: 'READ' }]);
    await ws.write('more/x.md', 'x');
    await ws.manifest('version: 1\nfilesets:\n  - name: kb\n    source: ./docs\n  - name: kb-absent\n    source: ./more\n');
    const bytes = ['pto.md', 'travel.md', 'broken.pdf'].reduce((n, f) => n + statSync(`${ws.dir}/docs/${f}`).size, 0);
    const m0 = be!.emu.stats().mutating;
    // A file whose indexing failed makes status exit 1, after printing.
    const failedLine = /^domo-filesets: error: status: 1 file\(s\) failed indexing \(FileSet "kb"\); see reindex$/;

    const text = await cli(['status', '-f', 'manifest.yaml']);
    expect(text.code).toBe(1);
    expect(expectOneLineError(text.stderr)).toMatch(failedLine);
    expect(text.stdout).toBe(
      [
        `FileSet kb (${id})`,
        `  files     3 (${bytes} B)`,
        '  index     2 completed, 0 pending, 1 failed, 0 skipped',
        '  ai        enabled',
        '  owner     1 (this token: OWNER)',
        `  access    user 1: OWNER, group 7: READ, user ${OTHER_ID}: READ`,
        'FileSet kb-absent (absent)',
        '',
      ].join('\n'),
    );

    const md = await cli(['status', '-f', 'manifest.yaml', '--format', 'markdown']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('| FileSet | Files | Bytes | Indexed | Pending | Failed | AI | Owner | Access |\n');
    expect(md.stdout).toContain(`| \`kb\` | 3 | ${bytes} B | 2 | 0 | 1 | on | 1 | user 1: OWNER, group 7: READ, user ${OTHER_ID}: READ |\n`);
    expect(md.stdout).toContain('| `kb-absent` | — | — | — | — | — | — | — | absent |\n');

    const json = await cli(['status', '-f', 'manifest.yaml', '--format', 'json']);
    expect(json.code).toBe(1);
    const [found, absent] = (JSON.parse(json.stdout) as { filesets: Record<string, unknown>[] }).filesets;
    expect(found).toMatchObject({
      name: 'kb',
      id,
      aiEnabled: true,
      owner: '1',
      permission: 'OWNER',
      files: 3,
      bytes,
      index: { completed: 2, pending: 0, failed: 1, skipped: 0, unknown: 0 },
      access: [
        { entityType: 'USER', entityId: 1, permission: 'OWNER' },
        { entityType: 'GROUP', entityId: 7, permission: 'READ' },
        { entityType: 'USER', entityId: OTHER_ID, permission: 'READ' },
      ],
    });
    expect(absent).toMatchObject({ name: 'kb-absent', id: null, files: 0, access: null });

    // Another user sees its own permission.
    const theirs = await cli(['status', '-f', 'manifest.yaml'], OTHER);
    expect(theirs.stdout).toContain('  owner     1 (this token: READ)\n');
    expect(be!.emu.stats().mutating).toBe(m0);
  });
});

describe('a token without the permission a change needs', () => {
  it('READ: a file and an aiEnabled change are refused in one line naming the permission; nothing changed', async () => {
    await backend();
    const id = await applied('    aiEnabled: false\n');
    await be!.client.updateAccess(id, [{ entityId: OTHER_ID, entityType: 'USER', permission: 'READ' }]);
    await ws.write('docs/new.md', 'new');
    await kb('    aiEnabled: true\n');
    const before = await snapshot(id);
    const m0 = be!.emu.stats().mutating;
    const r = await cli(['apply', '-f', 'manifest.yaml'], OTHER);
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/this token's user has READ on FileSet 'kb'; changing its files or settings needs EDIT/);
    expect(be!.emu.stats().mutating).toBe(m0);
    expect(await snapshot(id)).toEqual(before);
  });

  it('EDIT: an access or owner change is refused in one line naming OWNER; nothing changed', async () => {
    await backend();
    const id = await applied('');
    await be!.client.updateAccess(id, [{ entityId: OTHER_ID, entityType: 'USER', permission: 'EDIT' }]);
    await kb(`    access:\n      - {user: ${OTHER_ID}, permission: EDIT}\n      - {group: 7, permission: READ}\n`);
    const before = await snapshot(id);
    const m0 = be!.emu.stats().mutating;
    const r = await cli(['apply', '-f', 'manifest.yaml'], OTHER);
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/this token's user has EDIT on FileSet 'kb'; changing its access or owner needs OWNER/);
    expect(be!.emu.stats().mutating).toBe(m0);
    expect(await snapshot(id)).toEqual(before);
  });

  it("READ, on a server that does not say the token's permission: the server's 403 is one line naming the operation and the permission; nothing changed", async () => {
    await backend();
    const id = await applied('    aiEnabled: false\n');
    await be!.client.updateAccess(id, [{ entityId: OTHER_ID, entityType: 'USER', permission: 'READ' }]);
    // The FileSet as found and read carries no `permission`: the plan cannot tell, only the server can.
    const unsaid = (o: unknown): unknown => {
      if (Array.isArray(o)) return o.map(unsaid);
      if (o && typeof o === 'object')
        return Object.fromEntries(
          Object.entries(o)
            .filter(([k]) => k !== 'permission')
            .map(([k, v]) => [k, unsaid(v)]),
        );
      return o;
    };
    proxy = await startFaultProxy(be!.emu.url, [{ fault: 'rewrite', match: { path: /\/filesets\/(search|[^/?]+)(\?|$)/ }, rewrite: unsaid }]);
    await ws.write('docs/new.md', 'new');
    await kb('    aiEnabled: true\n');
    const before = await snapshot(id);
    const logStart = be!.emu.requestLog().length;
    const r = await cli(['apply', '-f', 'manifest.yaml'], OTHER, proxy.url);
    expect(r.code).toBe(1);
    expect(proxy.log.some((e) => e.fault === 'rewrite')).toBe(true);
    expect(expectOneLineError(r.stderr)).toMatch(
      /update aiEnabled of FileSet 'kb': 403 Forbidden: .* updateFileSet was refused: the token's user lacks the permission for it .*User 9 has READ permission on FileSet .*; updateFileSet needs EDIT/,
    );
    // The server was asked (and refused): no change succeeded.
    const log = be!.emu.requestLog().slice(logStart);
    expect(log.filter((e) => e.status === 403).map((e) => e.operationId)).toEqual(expect.arrayContaining(['updateFileSet', 'createFile']));
    expect(successfulMutations(log)).toEqual([]);
    expect(await snapshot(id)).toEqual(before);
  });
});
