/**
 * The action's steps run as GitHub runs them (action.yml's env wiring, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 * a pull_request event, RUNNER_TEMP), with a fake domo-filesets and a fake gh/curl on PATH — and, for the
 * no-token plan, the real built CLI's embedded emulator.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../loader/types';
import { assertBuilt, ROOT } from '../support/fs-state';
import { DOMO_TOKEN, GITHUB_TOKEN, Sandbox, sha256, type Comment } from './harness';

/** A plan creating docs-pr-42 with two files: 3 changes (two uploads and the creation). */
const PLAN_CREATE: Report = {
  filesets: [
    {
      name: 'docs-pr-42',
      id: null,
      create: true,
      summary: { upload: 2, replace: 0, delete: 0, unchanged: 0, bytes: 12 },
      actions: [
        { op: 'upload', path: 'handbook/a.md', size: 6, hash: 'a'.repeat(64) },
        { op: 'upload', path: 'handbook/b.md', size: 6, hash: 'b'.repeat(64) },
      ],
    },
  ],
};

/** A later plan of the same PR: one replace and one delete, 2 changes. */
const PLAN_EDIT: Report = {
  filesets: [
    {
      name: 'docs-pr-42',
      id: 'fs-42',
      summary: { upload: 0, replace: 1, delete: 1, unchanged: 1, bytes: 7 },
      actions: [
        { op: 'replace', path: 'handbook/a.md', size: 7, hash: 'c'.repeat(64) },
        { op: 'delete', path: 'handbook/old.md', size: 3, hash: 'd'.repeat(64) },
      ],
    },
  ],
};

const APPLIED: Report = {
  filesets: [{ ...PLAN_EDIT.filesets[0], result: { uploaded: 0, replaced: 1, deleted: 1, failed: 0 } }],
};

const json = (r: Report) => `${JSON.stringify(r, null, 2)}\n`;
const MARKER = '<!-- domo-filesets-plan:manifest.yaml -->';

/** Comments by other people, enough to push ours to the second page of 100. */
const OTHERS: Comment[] = Array.from({ length: 130 }, (_, i) => ({ id: i + 1, body: `looks good ${i}` }));

let sb: Sandbox;

beforeAll(() => {
  assertBuilt();
  sb = new Sandbox();
  sb.write('manifest.yaml', 'version: 1\nfilesets:\n  - name: docs\n    source: ./docs\n');
});

afterAll(() => {
  // No canary token anywhere: not in any step's output, summary or step outputs, not in any file the action
  // left in RUNNER_TEMP or the workspace, not in a comment, not in any fake's argv.
  const places: [string, string][] = [];
  sb.runs.forEach((r, i) => {
    places.push([`run ${i} log`, r.log], [`run ${i} summary`, r.summary], [`run ${i} outputs`, JSON.stringify(r.steps)]);
  });
  for (const f of sb.files()) places.push([f.path, f.text]);
  for (const c of sb.comments()) places.push([`comment ${c.id}`, c.body]);
  sb.clearCalls();
  places.push(['fake calls', readFileSync(sb.allCallsFile, 'utf8')]);
  for (const [where, text] of places) {
    expect(`${where}: ${text.includes(DOMO_TOKEN)} ${text.includes(GITHUB_TOKEN)}`).toBe(`${where}: false false`);
  }
  sb.cleanup();
});

beforeEach(() => sb.clearCalls());

const cliCalls = () => sb.calls().filter((c) => c.tool === 'domo-filesets' && c.argv[0] !== '--version');
const githubCalls = () => sb.calls().filter((c) => c.tool === 'gh' || c.tool === 'curl');
const annotations = (log: string, level: string) => log.split('\n').filter((l) => l.startsWith(`::${level} `));

describe('plan on a pull request, with a comment', () => {
  it('outputs the exit code and the changes, writes the summary, and creates one comment, then updates it', () => {
    sb.setComments(OTHERS);
    sb.scenario({ plan: { exit: 2, stdout: json(PLAN_CREATE), planFile: '{"version":1,"plan":"first"}\n' } });
    const first = sb.run({ command: 'plan', manifest: 'manifest.yaml', comment: 'true', 'plan-out': 'out/plan.json' });

    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ exitcode: '2', changes: '3', skipped: 'false' });
    expect(first.outputs['plan-file']).toBe(join(sb.workspace, 'out', 'plan.json'));
    expect(first.outputs['plan-digest']).toBe(sha256('{"version":1,"plan":"first"}\n'));
    expect(cliCalls().map((c) => c.argv)).toEqual([
      ['plan', '-f', 'manifest.yaml', '--format', 'json', '--detailed-exitcode', '--out', 'out/plan.json'],
      // the markdown comes from the CLI's own `show`, over the JSON report of that one run
      ['show', expect.stringMatching(/report\.json$/), '--format', 'markdown', '--kind', 'plan'],
    ]);
    // The CLI's own markdown renderer, from the JSON report.
    const report = readFileSync(first.outputs.report, 'utf8');
    expect(report).toMatch(/^### domo-filesets plan/);
    expect(report).toContain('handbook/a.md');
    expect(JSON.parse(readFileSync(first.outputs['json-report'], 'utf8'))).toEqual(PLAN_CREATE);
    expect(first.summary).toContain(report.trim());
    expect(first.summary).toContain(`SHA-256 \`${first.outputs['plan-digest']}\``);

    const afterFirst = sb.comments();
    const mine = afterFirst.filter((c) => c.body.includes(MARKER));
    expect(mine).toHaveLength(1);
    expect(afterFirst).toHaveLength(OTHERS.length + 1);
    expect(mine[0].body.startsWith(MARKER)).toBe(true);
    expect(mine[0].body).toContain(first.outputs['plan-digest']);

    sb.clearCalls();
    sb.scenario({ plan: { exit: 2, stdout: json(PLAN_EDIT), planFile: '{"version":1,"plan":"second"}\n' } });
    const second = sb.run({ command: 'plan', manifest: 'manifest.yaml', comment: 'true', 'plan-out': 'out/plan.json' });
    expect(second.outputs).toMatchObject({ exitcode: '2', changes: '2' });
    const afterSecond = sb.comments();
    expect(afterSecond).toHaveLength(OTHERS.length + 1);
    const updated = afterSecond.filter((c) => c.body.includes(MARKER));
    expect(updated.map((c) => c.id)).toEqual([mine[0].id]);
    expect(updated[0].body).toContain('handbook/old.md');
    expect(updated[0].body).toContain(sha256('{"version":1,"plan":"second"}\n'));
    // Our comment sits on the second page of 100: found there, then updated in place.
    expect(githubCalls().map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET repos/acme/handbook/issues/42/comments?per_page=100&page=1',
      'GET repos/acme/handbook/issues/42/comments?per_page=100&page=2',
      `PATCH repos/acme/handbook/issues/comments/${mine[0].id}`,
    ]);
  });

  it("posts through curl when gh is not installed, the token on curl's stdin config", () => {
    sb.setComments([]);
    sb.scenario({
      plan: {
        exit: 0,
        stdout: json({ filesets: [{ ...PLAN_EDIT.filesets[0], summary: { upload: 0, replace: 0, delete: 0, unchanged: 3, bytes: 0 }, actions: [] }] }),
      },
    });
    const run = sb.run({ command: 'plan', manifest: 'manifest.yaml', comment: 'true' }, { github: 'curl' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ exitcode: '0', changes: '0' });
    expect(githubCalls().map((c) => `${c.tool} ${c.method}`)).toEqual(['curl GET', 'curl POST']);
    expect(sb.comments()).toHaveLength(1);
    expect(sb.comments()[0].body).toContain(MARKER);
  });

  it('gives each token only to the process that needs it, through the environment', () => {
    sb.setComments([]);
    sb.scenario({ plan: { exit: 2, stdout: json(PLAN_CREATE) } });
    sb.run({ command: 'plan', manifest: 'manifest.yaml', comment: 'true' });
    const domo = `DOMO_DEVELOPER_TOKEN=${sha256(DOMO_TOKEN).slice(0, 8)}`;
    const gh = sha256(GITHUB_TOKEN).slice(0, 8);
    expect(cliCalls()[0].secretEnv).toEqual([domo]);
    for (const c of githubCalls()) expect(c.secretEnv).toEqual([`GH_ENTERPRISE_TOKEN=${gh}`, `GH_TOKEN=${gh}`]);
  });

  it('warns, and still passes, when the comment cannot be posted', () => {
    sb.setComments([]);
    sb.scenario({ plan: { exit: 2, stdout: json(PLAN_CREATE) } });
    const run = sb.run({ command: 'plan', manifest: 'manifest.yaml', comment: 'true', 'github-token': 'ghs_not_the_right_one' });
    expect(run.code).toBe(0);
    expect(annotations(run.log, 'warning').join('\n')).toMatch(/could not post the plan comment \(gh: Bad credentials \(HTTP 401\).*pull-requests: write/);
    expect(sb.comments()).toHaveLength(0);
  });

  it('does not comment outside a pull request', () => {
    sb.scenario({ plan: { exit: 2, stdout: json(PLAN_CREATE) } });
    const run = sb.run({ command: 'plan', manifest: 'manifest.yaml', comment: 'true' }, { event: { name: 'push', payload: { ref: 'refs/heads/main' } } });
    expect(run.code).toBe(0);
    expect(annotations(run.log, 'notice').join('\n')).toContain('not a pull_request event: no plan comment');
    expect(githubCalls()).toEqual([]);
  });
});

describe('the exit-code rule', () => {
  const REFUSED: Report = {
    filesets: [{ ...PLAN_EDIT.filesets[0], refused: { guard: 'maxDeletes', message: 'the plan deletes 80 files; maxDeletes is 50' } }],
  };
  const guardLine = 'domo-filesets: error: FileSet "docs-pr-42" refused by maxDeletes: the plan deletes 80 files; maxDeletes is 50\n';

  it.each([
    ['plan', 0, {}, 0],
    ['plan', 2, {}, 0],
    ['plan', 2, { 'fail-on-changes': 'true' }, 2],
    ['plan', 3, {}, 3],
    ['plan', 1, {}, 1],
    ['apply', 0, {}, 0],
    ['apply', 3, {}, 3],
    ['apply', 1, {}, 1],
    ['destroy', 0, {}, 0],
    ['destroy', 1, {}, 1],
    ['gc', 0, {}, 0],
    ['gc', 2, {}, 0],
    ['gc', 2, { 'gc-delete': 'true' }, 2],
    ['gc', 130, {}, 130],
  ] as [string, number, Record<string, string>, number][])('%s exiting %i (%j): the step exits %i', (command, exit, extra, stepCode) => {
    const report = command === 'plan' ? (exit === 3 ? REFUSED : PLAN_EDIT) : command === 'apply' ? APPLIED : null;
    const stderr = exit === 3 ? guardLine : exit === 1 ? "domo-filesets: error: 403 Forbidden: the token's user may not list FileSets\n" : '';
    const stdout = report ? json(report) : 'docs-pr-7  fs-7  created 2024-01-01\n';
    sb.scenario({ [command]: { exit, stdout, stderr } });
    const inputs: Record<string, string> = command === 'gc' ? { command, 'gc-name': 'docs-pr-*' } : { command, manifest: 'manifest.yaml' };
    const run = sb.run({ ...inputs, ...extra });

    expect(run.code).toBe(stepCode);
    expect(run.outputs.exitcode).toBe(String(exit));
    expect(run.summary).toContain(`domo-filesets ${command}`);
    const errors = annotations(run.log, 'error');
    if (stepCode === 0) {
      expect(errors).toEqual([]);
    } else {
      expect(errors).toHaveLength(1);
      if (exit === 3) expect(errors[0]).toMatch(/a safety guard refused a FileSet \(exit 3\).*refused by maxDeletes/);
      if (exit === 1) expect(errors[0]).toMatch(new RegExp(`domo-filesets ${command} failed \\(exit 1\\): 403 Forbidden`));
      expect(run.summary).toContain('[!CAUTION]');
    }
    if (command === 'gc' && exit === 2 && stepCode === 0) expect(annotations(run.log, 'notice').join('\n')).toMatch(/would be deleted.*gc-delete: true/);
    if (command === 'plan' || command === 'apply') expect(run.outputs.changes).toBe(exit === 1 && !report ? '' : '2');
  });

  it('posts the comment before failing on a guard, so the reviewer sees why', () => {
    sb.setComments([]);
    sb.scenario({ plan: { exit: 3, stdout: json(REFUSED), stderr: guardLine } });
    const run = sb.run({ command: 'plan', manifest: 'manifest.yaml', comment: 'true' });
    expect(run.code).toBe(3);
    expect(sb.comments()).toHaveLength(1);
    expect(sb.comments()[0].body).toMatch(/refused by \*\*maxDeletes\*\*/);
    expect(sb.comments()[0].body).toContain('[!CAUTION]');
  });

  it('reports an error that came before any report (exit 1, nothing on stdout)', () => {
    sb.scenario({ plan: { exit: 1, stderr: "domo-filesets: error: manifest.yaml:3: unknown key 'sorce' in filesets[0]\n" } });
    const run = sb.run({ command: 'plan', manifest: 'manifest.yaml' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ exitcode: '1', changes: '', report: '' });
    expect(annotations(run.log, 'error')).toEqual([
      "::error title=domo-filesets plan::domo-filesets plan failed (exit 1): manifest.yaml:3: unknown key 'sorce' in filesets[0]",
    ]);
    expect(run.summary).toContain('No report');
  });
});

describe('CLI output in the log', () => {
  it('is printed between stop-commands markers, so a file name cannot act as a workflow command', () => {
    const evil = 'uploading handbook/\n::add-mask::x\n::error::forged.md\n';
    sb.scenario({ plan: { exit: 0, stdout: json({ filesets: [] }), stderr: evil } });
    const run = sb.run({ command: 'plan', manifest: 'manifest.yaml' });
    const m = /^::stop-commands::([0-9a-f]{32})\n([\s\S]*?)\n::\1::$/m.exec(run.log);
    expect(m).not.toBeNull();
    expect(m![2]).toBe(evil.trimEnd());
    expect(run.log.replace(m![0], '')).not.toContain('forged');
  });
});

describe('command lines', () => {
  it('apply: a saved plan, --wait-indexed with its timeout, --backup-dir and extra args', () => {
    sb.scenario({ apply: { exit: 0, stdout: json(APPLIED) } });
    const run = sb.run({
      command: 'apply',
      'plan-file': 'plan.json',
      'wait-indexed': 'true',
      'index-timeout': '10m',
      'backup-dir': 'backups',
      args: '--concurrency 4\n--max-deletes 20',
    });
    expect(run.code).toBe(0);
    expect(
      cliCalls()
        .map((c) => c.argv)
        .filter((a) => a[0] !== 'show'),
    ).toEqual([
      [
        'apply',
        'plan.json',
        '--format',
        'json',
        '--wait-indexed',
        '--index-timeout',
        '10m',
        '--backup-dir',
        'backups',
        '--concurrency',
        '4',
        '--max-deletes',
        '20',
      ],
    ]);
    expect(run.outputs.changes).toBe('2');
    expect(readFileSync(run.outputs.report, 'utf8')).toMatch(/^### domo-filesets apply/);
  });

  it('destroy and gc: confirmation flags, keep list, pattern passed as one argument (never globbed)', () => {
    sb.write('docs-pr-1', '');
    sb.scenario({ destroy: { exit: 0, stdout: 'deleted docs-pr-42\n' }, gc: { exit: 0, stdout: 'deleted docs-pr-3\n' } });
    expect(sb.run({ command: 'destroy', manifest: 'manifest.yaml' }).outputs.changes).toBe('');
    const gc = sb.run({ command: 'gc', 'gc-name': 'docs-pr-*', 'gc-older-than': '7d', 'gc-keep': 'docs-pr-4 docs-pr-9\n', 'gc-delete': 'true' });
    expect(cliCalls().map((c) => c.argv)).toEqual([
      ['destroy', '-f', 'manifest.yaml', '--yes'],
      ['gc', '--name', 'docs-pr-*', '--older-than', '7d', '--keep', 'docs-pr-4', '--keep', 'docs-pr-9', '--yes'],
    ]);
    expect(gc.summary).toContain('```text\ndeleted docs-pr-3\n```');
  });

  it('text and json formats: the report in a code block in the summary', () => {
    sb.scenario({ plan: { exit: 2, stdout: json(PLAN_EDIT) } });
    const text = sb.run({ command: 'plan', manifest: 'manifest.yaml', format: 'text' });
    expect(readFileSync(text.outputs.report, 'utf8')).toMatch(/^FileSet docs-pr-42 \(fs-42\)/);
    expect(text.summary).toMatch(/```text\nFileSet docs-pr-42/);
    const asJson = sb.run({ command: 'plan', manifest: 'manifest.yaml', format: 'json' });
    expect(asJson.outputs.report).toBe(asJson.outputs['json-report']);
    expect(asJson.summary).toContain('```json\n{');
  });

  it('an installed CLI without the renderer the action loads: the report as JSON, with a warning', () => {
    sb.scenario({ plan: { exit: 2, stdout: json(PLAN_EDIT) } });
    const run = sb.run({ command: 'plan', manifest: 'manifest.yaml' }, { cli: 'bare' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ exitcode: '2', changes: '2' });
    expect(run.outputs.report).toBe(run.outputs['json-report']);
    expect(annotations(run.log, 'warning').join('\n')).toContain('no report renderer the action can load');
    expect(run.summary).toContain('```json\n{');
  });

  it.each([
    [{ command: 'deploy', manifest: 'manifest.yaml' }, "input command must be plan, apply, destroy or gc, not 'deploy'"],
    [{ command: 'plan', manifest: 'manifest.yaml', format: 'html' }, "input format must be markdown, text or json, not 'html'"],
    [{ command: 'plan', manifest: 'manifest.yaml', comment: 'yes' }, "input comment must be true or false, not 'yes'"],
    [{ command: 'plan' }, 'input manifest is required for plan'],
    [{ command: 'plan', manifest: 'missing.yaml' }, "manifest 'missing.yaml' not found (relative to working-directory '.')"],
    [
      { command: 'plan', manifest: 'manifest.yaml', args: '--format text' },
      'input args must not contain --format: the action sets it (use the matching input)',
    ],
    [{ command: 'apply', manifest: 'manifest.yaml', 'index-timeout': '5m' }, 'input index-timeout needs wait-indexed: true'],
    [{ command: 'gc' }, 'input gc-name is required for gc (e.g. docs-pr-*)'],
    [{ command: 'apply', manifest: 'manifest.yaml', comment: 'true' }, 'input comment is for plan'],
  ] as [Record<string, string>, string][])('bad inputs %j: one ::error:: line naming the input, the CLI never runs', (inputs, message) => {
    const run = sb.run(inputs);
    expect(run.code).toBe(1);
    expect(annotations(run.log, 'error').map((l) => l.replace(/^::error title=[^:]*::/, ''))).toEqual([message]);
    expect(cliCalls()).toEqual([]);
  });
});

describe('without a Domo token (a pull request from a fork)', () => {
  it("plans against the real CLI's empty embedded emulator: manifest and files checked, every file an upload, no comment", () => {
    cpSync(join(ROOT, 'examples', 'docs'), join(sb.workspace, 'fork', 'docs'), { recursive: true });
    cpSync(join(ROOT, 'examples', 'manifest.yaml'), join(sb.workspace, 'fork', 'manifest.yaml'));
    sb.setComments([]);
    const run = sb.run(
      { command: 'plan', manifest: 'manifest.yaml', 'working-directory': 'fork', comment: 'true', 'plan-out': 'plan.json' },
      { cli: 'real', domoToken: false },
    );
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ exitcode: '2', skipped: 'true', 'plan-file': '', 'plan-digest': '' });
    const report = JSON.parse(readFileSync(run.outputs['json-report'], 'utf8')) as Report;
    const files = report.filesets.reduce((n, fs) => n + fs.summary.upload, 0);
    expect(files).toBe(9);
    expect(report.filesets.map((fs) => [fs.name, fs.create])).toEqual([['docs-main', true]]);
    // The example shares its FileSet with a reviewers' group: one grant besides the create and the uploads.
    expect(report.filesets[0].actions).toContainEqual({ op: 'grant', principal: { type: 'GROUP', id: 1000 }, permission: 'READ', from: null });
    expect(run.outputs.changes).toBe(String(files + 2));
    const notices = annotations(run.log, 'notice').join('\n');
    expect(notices).toContain('Planned without a Domo token (pull requests from forks get no secrets), against an empty embedded emulator');
    expect(notices).toContain('plan-out ignored');
    expect(notices).toContain('no plan comment');
    expect(run.summary).toMatch(/> \[!NOTE\]\n> Planned without a Domo token/);
    expect(run.summary).toContain('### domo-filesets plan');
    expect(githubCalls()).toEqual([]);
    expect(existsSync(join(sb.workspace, 'fork', 'plan.json'))).toBe(false);
  });

  it('still fails clearly on a broken manifest', () => {
    sb.write('broken/manifest.yaml', 'version: 1\nfilesets:\n  - name: docs\n    sorce: ./docs\n');
    const run = sb.run({ command: 'plan', manifest: 'manifest.yaml', 'working-directory': 'broken' }, { cli: 'real', domoToken: false });
    expect(run.code).toBe(1);
    expect(annotations(run.log, 'error').join('\n')).toMatch(/domo-filesets plan failed \(exit 1\): .*manifest\.yaml:4: unknown key 'sorce'/);
  });

  it.each([
    [{ command: 'apply', manifest: 'manifest.yaml' }],
    [{ command: 'destroy', manifest: 'manifest.yaml' }],
    [{ command: 'gc', 'gc-name': 'docs-pr-*', 'gc-delete': 'true' }],
  ] as [Record<string, string>][])('skips %j with a notice and passes; the CLI never runs', (inputs) => {
    const run = sb.run(inputs, { domoToken: false });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ exitcode: '', changes: '', skipped: 'true' });
    expect(annotations(run.log, 'notice').join('\n')).toMatch(/No Domo token \(pull requests from forks get no secrets\): \w+ skipped, nothing was changed/);
    expect(run.summary).toContain('Skipped: no Domo token');
    expect(cliCalls()).toEqual([]);
  });
});

const strace = ['/usr/bin/strace', '/bin/strace'].find((p) => existsSync(p));
(strace ? describe : describe.skip)('command lines of every process (strace; skipped where strace is not installed)', () => {
  it('no process the action starts has a token in its argv', () => {
    sb.setComments([]);
    sb.scenario({ plan: { exit: 2, stdout: json(PLAN_CREATE) } });
    const trace = join(sb.runnerTemp, 'execve.trace');
    for (const github of ['gh', 'curl'] as const) {
      const run = sb.run(
        { command: 'plan', manifest: 'manifest.yaml', comment: 'true' },
        { github, wrap: [strace!, '-f', '-qq', '-e', 'trace=execve', '-s', '100000', '-o', trace] },
      );
      expect(run.code).toBe(0);
      const text = readFileSync(trace, 'utf8');
      expect(text).toMatch(/execve\("[^"]*domo-filesets", \["[^"]*domo-filesets", "plan"/);
      expect(text).toContain(`"${github}"`);
      expect([text.includes(DOMO_TOKEN), text.includes(GITHUB_TOKEN)]).toEqual([false, false]);
    }
  });
});

describe('changes, counted from the JSON report', () => {
  const { countChanges } = require('../../github-action/report.cjs') as { countChanges: (kind: string, report: unknown) => number };
  const grant = { op: 'grant', group: 7, permission: 'READ' };

  it('plan: file actions, FileSet-level actions and creations, refused FileSets included (the plan shows them)', () => {
    const report = {
      filesets: [
        { ...PLAN_CREATE.filesets[0], actions: [...PLAN_CREATE.filesets[0].actions, grant] },
        { ...PLAN_EDIT.filesets[0], refused: { guard: 'maxDeletes', message: '' } },
      ],
    };
    expect(countChanges('plan', report)).toBe(2 + 1 + 1 + 2);
  });

  it('apply: what was done — results, plus creations and settings of FileSets not refused, less skipped settings', () => {
    const created = {
      ...PLAN_CREATE.filesets[0],
      id: 'fs-1',
      actions: [...PLAN_CREATE.filesets[0].actions, grant, grant],
      result: { uploaded: 2, replaced: 0, deleted: 0, failed: 0 },
      skipped: [{ op: 'grant', reason: '403' }],
    };
    const refused = {
      ...PLAN_EDIT.filesets[0],
      actions: [...PLAN_EDIT.filesets[0].actions, grant],
      refused: { guard: 'maxDeletes', message: '' },
      result: { uploaded: 0, replaced: 0, deleted: 0, failed: 0 },
    };
    const failed = { ...PLAN_EDIT.filesets[0], result: { uploaded: 0, replaced: 1, deleted: 0, failed: 1 } };
    expect(countChanges('apply', { filesets: [created, refused, failed] })).toBe(2 + 1 + (2 - 1) + 0 + 1);
  });
});

describe('install.sh', () => {
  it("installs the action's own package.json version from the npm registry into RUNNER_TEMP", () => {
    const fakeNpm = join(sb.root, 'npm-bin');
    const res = spawnSync('bash', [
      '-c',
      `mkdir -p "${fakeNpm}" && cat > "${fakeNpm}/npm" <<'EOF'
#!/bin/bash
echo "npm $*" >> "$FAKE_LOG.npm"
prefix="$3"; mkdir -p "$prefix/node_modules/.bin"
printf '#!/bin/sh\\necho 1.2.3\\n' > "$prefix/node_modules/.bin/domo-filesets"; chmod +x "$prefix/node_modules/.bin/domo-filesets"
EOF
chmod +x "${fakeNpm}/npm"`,
    ]);
    expect(res.status).toBe(0);
    const out = join(sb.runnerTemp, 'install-output');
    const env = {
      PATH: `${fakeNpm}:${process.env.PATH}`,
      RUNNER_TEMP: sb.runnerTemp,
      GITHUB_OUTPUT: out,
      FAKE_LOG: sb.logFile,
      INPUT_VERSION: '',
      INPUT_WORKING_DIRECTORY: sb.workspace,
    };
    const ok = spawnSync('bash', [join(ROOT, 'github-action', 'install.sh')], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const prefix = join(sb.runnerTemp, 'domo-filesets-cli');
    expect(readFileSync(`${sb.logFile}.npm`, 'utf8')).toBe(
      `npm install --prefix ${prefix} --no-save --no-audit --no-fund --ignore-scripts --loglevel=error domo-filesets@${version}\n`,
    );
    expect(readFileSync(out, 'utf8')).toBe(`bin=${prefix}/node_modules/.bin/domo-filesets\n`);
    expect(ok.stderr).toContain(`domo-filesets 1.2.3 at ${prefix}/node_modules/.bin/domo-filesets`);

    const bad = spawnSync('bash', [join(ROOT, 'github-action', 'install.sh')], {
      env: { ...env, INPUT_VERSION: 'https://example.invalid/x.tgz' },
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe("::error title=domo-filesets install::version 'https://example.invalid/x.tgz' is not an npm version or dist-tag\n");
  });
});
