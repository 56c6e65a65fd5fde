/**
 * `domo-filesets probe` against the emulator, one emulator per reading: the probe must report the reading the
 * emulator was switched to, say that this version handles it, and leave no scratch FileSet behind.
 */
import { spawn } from 'node:child_process';
import type { DomoFilesClient } from '../../client';
import type { EmulatorOptions } from '../../emulator';
import { CHECKS } from '../../cli/probe/checks';
import { runProbe, SCRATCH_PREFIX } from '../../cli/probe/run';
import { startFaultProxy } from '../support/fault-proxy';
import { assertBuilt, BIN, ROOT } from '../support/fs-state';
import { runCli } from './helpers';
import { startBackend, type Backend } from '../support/harness';

const TOKEN = 'probe-canary-token-5b8e2d7c41';
/** Short: the emulator indexes a file within INDEX_DELAY_MS. */
const WAIT = ['--index-wait', '5s'];
const INDEX_DELAY_MS = 10;

interface Row {
  id: string;
  value: unknown;
  handled: boolean;
  observed: string;
  failed?: boolean;
}

interface Doc {
  checks: Row[];
  handled: boolean;
  notHandled: string[];
  emulatorFlags: string[];
  scratch: { name: string; id: string | null; kept: boolean; leftBehind: unknown[] };
}

async function emulator(opts: EmulatorOptions = {}): Promise<Backend> {
  return startBackend({ token: TOKEN, indexDelayMs: INDEX_DELAY_MS, ...opts }, { retry: { attempts: 8, baseDelayMs: 5, maxDelayMs: 50 } });
}

async function probeJson(env: Record<string, string>, extra: string[] = []): Promise<{ code: number; doc: Doc; stdout: string; stderr: string }> {
  const r = await runCli(['probe', ...WAIT, '--format', 'json', ...extra], env);
  return { ...r, doc: JSON.parse(r.stdout) as Doc };
}

function byId(doc: Doc): Record<string, Row> {
  return Object.fromEntries(doc.checks.map((c) => [c.id, c]));
}

async function scratchLeft(client: DomoFilesClient): Promise<string[]> {
  const names: string[] = [];
  for await (const fs of client.searchFileSets()) if (fs.name.startsWith(SCRATCH_PREFIX)) names.push(fs.name);
  return names;
}

/** Each switch value: the emulator options, what the probe must report (check id → value), and the flag it must name. */
const MATRIX: { name: string; opts: EmulatorOptions; expect: Record<string, unknown>; flag?: string }[] = [
  {
    name: 'uploadField createFileRequest',
    opts: { readings: { uploadField: 'createFileRequest' } },
    expect: { uploadField: 'createFileRequest' },
    flag: '--upload-field createFileRequest',
  },
  {
    name: 'uploadField directoryPath',
    opts: { readings: { uploadField: 'directoryPath' } },
    expect: { uploadField: 'directoryPath' },
    flag: '--upload-field directoryPath',
  },
  { name: 'uploadField both', opts: { readings: { uploadField: 'both' } }, expect: { uploadField: 'both' }, flag: '--upload-field both' },
  {
    name: 'deleteStatus 200',
    opts: { readings: { deleteStatus: 200 } },
    expect: { deleteFile: { byId: 200, byPath: 200 }, deleteFileSet: 200 },
    flag: '--delete-status 200',
  },
  {
    name: 'deleteStatus 204',
    opts: { readings: { deleteStatus: 204 } },
    expect: { deleteFile: { byId: 204, byPath: 204 }, deleteFileSet: 204 },
    flag: '--delete-status 204',
  },
  { name: 'maxLimit null', opts: { readings: { maxLimit: null } }, expect: { maxLimit: 1000 }, flag: '--max-limit none' },
  { name: 'maxLimit 100', opts: { readings: { maxLimit: 100 } }, expect: { maxLimit: 100 }, flag: '--max-limit 100' },
  { name: 'implicitDirs true', opts: { readings: { implicitDirs: true } }, expect: { implicitDirs: true }, flag: '--implicit-dirs' },
  { name: 'implicitDirs false', opts: { readings: { implicitDirs: false } }, expect: { implicitDirs: false }, flag: '--no-implicit-dirs' },
  { name: 'missingStatus 404', opts: { readings: { missingStatus: 404 } }, expect: { missingStatus: 404 }, flag: '--missing-status 404' },
  { name: 'missingStatus 403', opts: { readings: { missingStatus: 403 } }, expect: { missingStatus: 403 }, flag: '--missing-status 403' },
  { name: 'honourContentType true', opts: { readings: { honourContentType: true } }, expect: { contentType: 'kept' }, flag: '--honour-content-type' },
  { name: 'honourContentType false', opts: { readings: { honourContentType: false } }, expect: { contentType: 'derived' }, flag: '--no-honour-content-type' },
  { name: 'cascadeDelete true', opts: { readings: { cascadeDelete: true } }, expect: { cascadeDelete: 'cascade' }, flag: '--cascade-delete' },
  { name: 'cascadeDelete false', opts: { readings: { cascadeDelete: false } }, expect: { cascadeDelete: 'conflict' }, flag: '--no-cascade-delete' },
  { name: 'hashes true', opts: { readings: { hashes: true } }, expect: { sha256: { upload: 'match', listing: 'match' } }, flag: '--hashes' },
  { name: 'hashes false', opts: { readings: { hashes: false } }, expect: { sha256: { upload: 'absent', listing: 'absent' } }, flag: '--no-hashes' },
  {
    name: 'profile seed',
    opts: { profile: 'seed' },
    expect: {
      uploadField: 'both',
      deleteFile: { byId: 200, byPath: 200 },
      deleteFileSet: 200,
      maxLimit: 1000,
      implicitDirs: true,
      missingStatus: 404,
      contentType: 'derived',
      cascadeDelete: 'cascade',
      sha256: { upload: 'match', listing: 'match' },
      queryShape: 'both',
      endCursor: 'echo',
      splitUpload: { fromOne: 'assembled', fromZero: 'assembled' },
      overwrite: { status: 201, sameId: true },
      rateLimitHeaders: [],
    },
  },
  {
    name: 'profile spec',
    opts: { profile: 'spec' },
    expect: {
      uploadField: 'directoryPath',
      deleteFile: { byId: 204, byPath: 204 },
      deleteFileSet: 204,
      maxLimit: 100,
      implicitDirs: false,
      missingStatus: 404,
      contentType: 'kept',
      cascadeDelete: 'cascade',
      sha256: { upload: 'match', listing: 'match' },
      queryShape: 'spec',
      endCursor: 'echo',
    },
    flag: '--profile spec',
  },
];

describe('probe reports each emulator reading and handles it', () => {
  it.each(MATRIX)('$name', async ({ opts, expect: want, flag }) => {
    const b = await emulator(opts);
    try {
      const { code, doc, stderr } = await probeJson(b.env);
      const rows = byId(doc);
      expect(doc.checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
      for (const [id, value] of Object.entries(want)) expect({ id, value: rows[id].value }).toEqual({ id, value });
      expect(doc.checks.filter((c) => !c.handled)).toEqual([]);
      expect(doc.handled).toBe(true);
      expect(code).toBe(0);
      if (flag) expect(doc.emulatorFlags).toContain(flag);
      expect(rows.indexWait.value).toEqual({ leftPendingMs: expect.any(Number), final: 'COMPLETED' });
      expect(await scratchLeft(b.client)).toEqual([]);
      expect(stderr).not.toContain(TOKEN);
    } finally {
      await b.close();
    }
  });
});

describe('probe on the seed emulator', () => {
  let b: Awaited<ReturnType<typeof emulator>>;
  beforeAll(async () => {
    b = await emulator({ profile: 'seed' });
  });
  afterAll(() => b.close());

  it('--keep keeps the scratch FileSet, prints its id, and still deletes the FileSets the delete checks made', async () => {
    const { code, doc } = await probeJson(b.env, ['--keep']);
    expect(code).toBe(0);
    expect(doc.scratch.kept).toBe(true);
    const kept = await b.client.getFileSet(doc.scratch.id as string);
    expect(kept.name).toBe(doc.scratch.name);
    expect(await scratchLeft(b.client)).toEqual([doc.scratch.name]);
    const text = await runCli(['probe', ...WAIT, '--keep'], b.env);
    const id = /kept: (\S+)/.exec(text.stdout)?.[1];
    expect(id).toBeDefined();
    expect((await b.client.getFileSet(id as string)).name).toMatch(new RegExp(`^${SCRATCH_PREFIX}[0-9a-f]{8}$`));
    await b.client.deleteFileSet(doc.scratch.id as string);
    await b.client.deleteFileSet(id as string);
  });

  it('renders text and markdown tables with one row per check, and never prints the token', async () => {
    const text = await runCli(['probe', ...WAIT], b.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Assumption +Observed +Handled$/m);
    for (const c of CHECKS) expect(text.stdout).toMatch(new RegExp(`^${c.assumption.replace(/[().]/g, '\\$&')} .* yes$`, 'm'));
    expect(text.stdout).toContain(`All ${CHECKS.length} observations are handled`);
    const md = await runCli(['probe', ...WAIT, '--format', 'markdown'], b.env);
    expect(md.code).toBe(0);
    const rows = md.stdout.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toBe('| Assumption | Observed | Handled | What this version does |');
    expect(rows.slice(1)).toHaveLength(CHECKS.length);
    for (const r of rows.slice(1)) expect(r.split(' | ')[2]).toBe('✅');
    expect(md.stdout).toContain('`domo-filesets emulator --upload-field both');
    for (const out of [text.stdout, text.stderr, md.stdout, md.stderr]) expect(out).not.toContain(TOKEN);
    expect(await scratchLeft(b.client)).toEqual([]);
  });

  it('a check whose requests fail records the failure, and the checks after it still run', async () => {
    const broken = {
      id: 'broken',
      assumption: 'Broken',
      gather: async () => {
        throw new Error('connection went away');
      },
      judge: () => ({ observed: '', value: null, handled: true, note: '' }),
    };
    const report = await runProbe({
      baseUrl: b.emu.url,
      token: TOKEN,
      client: b.client,
      indexWaitMs: 0,
      keep: false,
      version: 'test',
      log: () => undefined,
      checks: [broken, CHECKS[0]],
    });
    expect(report.checks.map((c) => [c.id, c.handled, c.failed ?? false])).toEqual([
      ['broken', false, true],
      ['uploadField', true, false],
    ]);
    expect(report.checks[0].observed).toBe('not observed: connection went away');
    expect(await scratchLeft(b.client)).toEqual([]);
  });

  it('a bad --index-wait is one line naming the flag, before any request', async () => {
    const before = b.emu.stats().total;
    const r = await runCli(['probe', '--index-wait', 'soon'], b.env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("domo-filesets: error: --index-wait must be a duration like 30m, 12h, 7d or 2w (got 'soon')");
    expect(b.emu.stats().total).toBe(before);
  });
});

describe('probe when the instance answers what this version does not handle', () => {
  it('a path that comes back NFC-normalized: exit 1, one line naming it, scratch FileSet deleted', async () => {
    const b = await emulator();
    const proxy = await startFaultProxy(b.emu.url);
    try {
      proxy.addRule({
        fault: 'rewrite',
        match: { method: 'POST', path: /\/files(\?|$)/ },
        rewrite: (body) => {
          const o = body as { path?: unknown };
          return typeof o.path === 'string' ? { ...o, path: o.path.normalize('NFC') } : o;
        },
      });
      const r = await probeJson({ DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: TOKEN });
      expect(r.code).toBe(1);
      expect(r.doc.notHandled).toEqual(['pathFidelity']);
      expect(byId(r.doc).pathFidelity.observed).toContain('NFD "paths/cafe\\u0301-nfd.txt" returned "paths/caf\\u00e9-nfd.txt"');
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('domo-filesets: error: '));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^domo-filesets: error: probe: not handled by domo-filesets \S+: Returned path equals requested path \(changed: NFD /);
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
      expect(await scratchLeft(b.client)).toEqual([]);
    } finally {
      await proxy.close();
      await b.close();
    }
  });

  it('a refused create with AI enabled: the scratch FileSet is created without AI, and every check still runs', async () => {
    const b = await emulator();
    const refusal = { status: 403, body: { status: 403, statusReason: 'Forbidden', message: 'AI is not available to this user', toe: 'T' } };
    const proxy = await startFaultProxy(b.emu.url, [{ fault: 'status', ...refusal, match: { method: 'POST', path: /\/filesets$/ }, times: 1 }]);
    try {
      const r = await probeJson({ DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: TOKEN });
      expect(r.stderr).toMatch(/creating a FileSet with AI enabled was refused \(.*403: AI is not available to this user\); trying without/);
      expect(r.doc.notHandled).toEqual([]);
      expect(r.code).toBe(0);
      const created = b.emu.requestLog().filter((e) => e.operationId === 'createFileSet');
      expect(created).toHaveLength(3);
      expect(byId(r.doc).indexWait.value).toEqual({ leftPendingMs: expect.any(Number), final: 'SKIPPED' });
      expect(await scratchLeft(b.client)).toEqual([]);
    } finally {
      await proxy.close();
      await b.close();
    }
  });

  it('a create answered with an unreadable 2xx: exit 1 with one line, and the FileSet it may have made is found by name and deleted', async () => {
    const b = await emulator();
    const proxy = await startFaultProxy(b.emu.url, [{ fault: 'html200', forward: true, match: { method: 'POST', path: /\/filesets$/ }, times: 1 }]);
    try {
      const r = await runCli(['probe', ...WAIT], { DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: TOKEN });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter((l) => l.startsWith('domo-filesets: error: '))).toEqual([
        expect.stringMatching(
          /^domo-filesets: error: probe: could not create the scratch FileSet: creating FileSet domo-filesets-probe-[0-9a-f]{8} answered 200 with a body the client cannot read/,
        ),
      ]);
      expect(b.emu.requestLog().filter((e) => e.operationId === 'createFileSet')).toHaveLength(1);
      expect(await scratchLeft(b.client)).toEqual([]);
    } finally {
      await proxy.close();
      await b.close();
    }
  });

  it('rate limiting (429 with Retry-After) is waited out and reported', async () => {
    const b = await emulator({ faults: { rate: 0.1, kinds: ['429'], seed: 11 }, retryAfterSeconds: 0 });
    try {
      const { code, doc } = await probeJson(b.env);
      expect(doc.notHandled).toEqual([]);
      expect(code).toBe(0);
      const rate = byId(doc).rateLimitHeaders;
      expect(rate.value).toEqual(['retry-after']);
      expect(rate.observed).toMatch(/^retry-after: 0 \(\d+ answers? (was|were) 429\)$/);
      expect(b.emu.stats().faults['429']).toBeGreaterThan(0);
      expect(await scratchLeft(b.client)).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

describe('probe interrupted', () => {
  beforeAll(assertBuilt);

  it('Ctrl-C while it waits for indexing: the scratch FileSet is deleted and the exit code is 130', async () => {
    // The file never finishes indexing within the test, so the probe sits in its index wait until the signal.
    const b = await emulator({ indexDelayMs: 600_000 });
    try {
      const child = spawn(process.execPath, [BIN, 'probe', '--index-wait', '60s'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...b.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const waiting = new Promise<void>((resolve) =>
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          if (stderr.includes('Time until a new file leaves PENDING')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await waiting;
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stdout).toContain('Interrupted by SIGINT');
      expect(stdout).toMatch(/^Time until a new file leaves PENDING +not finished \(interrupted\) +NO$/m);
      expect(stderr).toContain('domo-filesets: error: probe interrupted by SIGINT; the scratch FileSet was deleted');
      expect(stdout + stderr).not.toContain(TOKEN);
      expect(await scratchLeft(b.client)).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
