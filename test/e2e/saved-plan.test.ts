/**
 * Saved plans through the CLI: `plan --out FILE` then `apply FILE` applies exactly the reviewed plan, and is
 * refused — exit 1, nothing changed — when anything it was made from changed since, naming what changed. The
 * first and last tests run the built CLI as a child process; the table of changes runs the same main() in
 * process (it is the same code, and a child process per case would cost seconds each).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../loader/types';
import { runCli as runInProcess } from '../cli/helpers';
import {
  TOKEN,
  type RunResult,
  fileSetId,
  localState,
  mutatingSince,
  expectOneLineError,
  remoteState,
  sha256,
  useCliWorkspace,
  type CliWorkspace,
} from '../support/harness';

let manifest: string;
const fx = useCliWorkspace({
  label: 'saved-plan',
  setup: async (fx: CliWorkspace) => {
    for (const f of ['a.md', 'b.md', 'c.md']) await fx.ws.write(`src/${f}`, `content of ${f}`);
    manifest = await fx.ws.manifest('version: 1\nfilesets:\n  - name: saved\n    source: ./src\n    maxDeletePercent: 100\n');
    expect((await fx.cli(['apply', '-f', manifest])).code).toBe(0);
    await fx.ws.write('src/a.md', 'changed a');
    await fx.ws.write('src/new.md', 'new');
    await fx.ws.remove('src/c.md');
  },
});

const cli = fx.cli;

/** The CLI's main() in this process, with absolute paths (its working directory is the repository's). */
async function inProcess(args: string[]): Promise<RunResult> {
  const r = { ...(await runInProcess(args, fx.be.env)), signal: null };
  expect(r.stdout + r.stderr).not.toContain(TOKEN);
  return r;
}

async function savePlan(run = cli): Promise<{ digest: string; md: string }> {
  const r = await run(['plan', '-f', manifest, '--out', join(fx.ws.dir, 'plan.json'), '--format', 'markdown']);
  expect(r.code).toBe(0);
  const digest = sha256(readFileSync(join(fx.ws.dir, 'plan.json')));
  return { digest, md: r.stdout };
}

/** apply FILE must exit 1 with one line naming the change, and send no mutating request. */
async function expectStale(reason: RegExp, run = cli): Promise<void> {
  const id = await fileSetId(fx.be.client, 'saved');
  const before = await remoteState(fx.be.client, id);
  const m0 = fx.be.emu.stats().mutating;
  const r = await run(['apply', join(fx.ws.dir, 'plan.json')]);
  expect(r.code).toBe(1);
  expect(expectOneLineError(r.stderr)).toMatch(/the plan .*plan\.json \(sha256 [0-9a-f]{12}\) is stale; nothing was changed: /);
  expect(expectOneLineError(r.stderr)).toMatch(reason);
  expect(mutatingSince(fx.be.emu, m0)).toBe(0);
  expect(await remoteState(fx.be.client, id)).toEqual(before);
}

test('the reviewed plan is applied exactly; its digest is in the comment and in the apply report', async () => {
  const r0 = await cli(['plan', '-f', manifest, '--out', 'plan.json', '--format', 'markdown']);
  expect(r0.code).toBe(0);
  const digest = sha256(readFileSync(join(fx.ws.dir, 'plan.json')));
  expect(r0.stdout).toContain(`Plan file \`plan.json\` · sha256 \`${digest}\``);
  const r = await cli(['apply', 'plan.json', '--format', 'json']);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as Report;
  expect(report.savedPlan).toEqual({ file: 'plan.json', digest });
  expect(report.filesets[0].result).toEqual({ uploaded: 1, replaced: 1, deleted: 1, failed: 0 });
  const id = await fileSetId(fx.be.client, 'saved');
  expect(await remoteState(fx.be.client, id)).toEqual(await localState(join(fx.ws.dir, 'src')));
  expect((await cli(['plan', '-f', manifest, '--detailed-exitcode'])).code).toBe(0);
  // applied once, the same plan is stale: the remote side changed
  await expectStale(/remote files under the root changed since the plan/);
});

test.each([
  [
    'a local file planned for upload changed',
    async () => fx.ws.write('src/new.md', 'newer'),
    /local files under the root changed.*would now also upload new\.md/,
  ],
  ['an unchanged local file changed', async () => fx.ws.write('src/b.md', 'b changed after review'), /would now also replace b\.md/],
  ['a local file appeared', async () => fx.ws.write('src/extra.md', 'x'), /would now also upload extra\.md/],
  [
    'a remote file changed',
    async () => {
      const id = await fileSetId(fx.be.client, 'saved');
      await fx.be.client.uploadFile(id, { path: 'b.md', source: { content: 'edited in Domo' } });
    },
    /remote files under the root changed since the plan/,
  ],
  [
    'a remote file was replaced under a new id with the same content',
    async () => {
      const id = await fileSetId(fx.be.client, 'saved');
      await fx.be.client.deleteFileByPath(id, 'b.md');
      await fx.be.client.uploadFile(id, { path: 'b.md', source: { content: 'content of b.md' } });
    },
    /remote files under the root changed since the plan \(ids or hashes\)/,
  ],
  [
    'the manifest changed',
    async () => {
      await fx.ws.manifest('version: 1\nfilesets:\n  - name: saved\n    source: ./src\n    maxDeletePercent: 90\n');
    },
    /the manifest .*manifest\.yaml changed since the plan was made/,
  ],
  [
    'the FileSet was deleted',
    async () => {
      await fx.be.client.deleteFileSet(await fileSetId(fx.be.client, 'saved'));
    },
    /FileSet 'saved': planned as [0-9a-f-]+, now absent/,
  ],
])('refused when %s', async (_what, change, reason) => {
  await savePlan(inProcess);
  await change();
  if (/FileSet 'saved': planned/.test(String(reason))) {
    const m0 = fx.be.emu.stats().mutating;
    const r = await inProcess(['apply', join(fx.ws.dir, 'plan.json')]);
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(reason);
    expect(mutatingSince(fx.be.emu, m0)).toBe(0);
    return;
  }
  await expectStale(reason, inProcess);
});

describe('refused when the FileSet itself changed in Domo after the plan', () => {
  const grants = async (id: string): Promise<string[]> =>
    (await fx.be.client.getAccess(id)).fileSetAccess.map((a) => `${a.entityType} ${a.entityId} ${a.permission}`).sort();

  beforeEach(async () => {
    // The FileSet's settings are declared: description, AI, and access (group 12 is to fx.be granted by the plan).
    const settings = '    description: Handbook\n    aiEnabled: true\n    access:\n      - {group: 7, permission: READ}\n';
    manifest = await fx.ws.manifest(`version: 1\nfilesets:\n  - name: saved\n    source: ./src\n    maxDeletePercent: 100\n${settings}`);
    expect((await cli(['apply', '-f', manifest])).code).toBe(0);
    manifest = await fx.ws.manifest(
      `version: 1\nfilesets:\n  - name: saved\n    source: ./src\n    maxDeletePercent: 100\n${settings}      - {group: 12, permission: READ}\n`,
    );
    await fx.ws.write('src/later.md', 'a file change planned with the settings');
  });

  test.each([
    [
      'a grant was added',
      (id: string) => fx.be.client.updateAccess(id, [{ entityId: 3, entityType: 'USER', permission: 'EDIT' }]),
      /would now also revoke user 3/,
    ],
    [
      'a grant was revoked',
      (id: string) => fx.be.client.updateAccess(id, [{ entityId: 7, entityType: 'GROUP', permission: 'NONE' }]),
      /would now also grant group 7 READ/,
    ],
    [
      'a grant the plan makes was made with another permission',
      (id: string) => fx.be.client.updateAccess(id, [{ entityId: 12, entityType: 'GROUP', permission: 'EDIT' }]),
      /grant group 12 READ: planned from no grant, Domo now has EDIT/,
    ],
    ['the description was edited', (id: string) => fx.be.client.updateFileSet(id, { description: 'edited in Domo' }), /would now also update description/],
    ['AI was turned off', (id: string) => fx.be.client.updateFileSet(id, { aiEnabled: false }), /would now also update aiEnabled/],
  ])('%s', async (_what, change, reason) => {
    const id = await fileSetId(fx.be.client, 'saved');
    await savePlan(inProcess);
    await change(id);
    const settings = async () => ({ grants: await grants(id), fileSet: await fx.be.client.getFileSet(id) });
    const before = await settings();
    await expectStale(reason, inProcess);
    expect(await settings()).toEqual(before);
  });
});

test('a file that is not a plan, and apply with both a plan and -f, are one-line errors', async () => {
  await fx.ws.write('junk.json', '{"format":"something-else"}');
  let r = await cli(['apply', 'junk.json']);
  expect(r.code).toBe(1);
  expect(expectOneLineError(r.stderr)).toMatch(/junk\.json is not a usable domo-filesets plan: no 'format: domo-filesets-plan'/);
  await savePlan();
  r = await cli(['apply', join(fx.ws.dir, 'plan.json'), '-f', manifest]);
  expect(r.code).toBe(1);
  expect(expectOneLineError(r.stderr)).toMatch(/either a saved plan FILE or -f MANIFEST, not both/);
  r = await cli(['apply']);
  expect(expectOneLineError(r.stderr)).toMatch(/apply needs -f MANIFEST, or a plan FILE saved by plan --out/);
});

test('show renders a saved plan and a JSON report again, in any format, without a request', async () => {
  const { digest } = await savePlan(inProcess);
  const total = fx.be.emu.stats().total;
  const md = await inProcess(['show', join(fx.ws.dir, 'plan.json'), '--format', 'markdown']);
  expect(md.code).toBe(0);
  expect(md.stdout).toContain(`sha256 \`${digest}\``);
  expect(md.stdout).toContain('**upload** `new.md`');
  const json = await inProcess(['apply', join(fx.ws.dir, 'plan.json'), '--format', 'json']);
  await fx.ws.write('report.json', json.stdout);
  const text = await inProcess(['show', join(fx.ws.dir, 'report.json')]);
  expect(text.stdout).toContain('Apply: 1 uploaded, 1 replaced, 1 deleted, 0 failed.');
  expect(fx.be.emu.stats().total - total).toBeGreaterThan(0); // the apply itself
  const before = fx.be.emu.stats().total;
  await inProcess(['show', join(fx.ws.dir, 'report.json'), '--format', 'json']);
  expect(fx.be.emu.stats().total).toBe(before);
  const bad = await inProcess(['show', join(fx.ws.dir, 'src', 'a.md')]);
  expect(expectOneLineError(bad.stderr)).toMatch(/show: cannot read .*a\.md as JSON/);
});
