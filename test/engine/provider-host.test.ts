/**
 * The providers run exactly as `pulumi up/preview/refresh/destroy` runs them: serialized under setMocks,
 * loaded by Pulumi's own provider host from `__provider`, driven over gRPC against the emulator, with
 * `domo-filesets` resolved from the project's node_modules (a fresh build of this repository).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomoFilesClient } from '../../client';
import type { EmulatorHandle } from '../../emulator';
import { FileSet, FileSetAccess, FileSetFile, FileSetFolder } from '../../provider';
import {
  buildPackage,
  captureInstalledProviders,
  captureProviders,
  engineUp,
  startHost,
  secret,
  urnOf,
  UNKNOWN,
  PULUMI_VERSION,
  HOST_READS_GET_INPUTS,
  hostAtLeast,
  type BuiltPackage,
  type Host,
  type RpcError,
} from './harness';
import { startBackend, type Backend } from '../support/harness';

const CANARY = `canary-${randomBytes(12).toString('hex')}`;
const T = {
  fileSet: 'pulumi-nodejs:dynamic/domo-filesets:FileSet',
  access: 'pulumi-nodejs:dynamic/domo-filesets:FileSetAccess',
  file: 'pulumi-nodejs:dynamic/domo-filesets:FileSetFile',
  folder: 'pulumi-nodejs:dynamic/domo-filesets:FileSetFolder',
};

let pkg: BuiltPackage;
let be: Backend;
let emu: EmulatorHandle;
let client: DomoFilesClient;
/** Serialized in a plain Node process from the installed package: what a user's `pulumi up` stores. */
let providers: Record<string, string>;
/** Serialized under jest from this repository's TypeScript sources. */
let sourceProviders: Record<string, string>;
const hosts: Host[] = [];
const seenOutputs: unknown[] = [];

beforeAll(async () => {
  pkg = buildPackage();
  be = await startBackend({ token: CANARY }, { retry: { attempts: 1 } });
  ({ emu, client } = be);
  const registered = await captureProviders(() => [
    new FileSet('docs', { name: 'engine-docs' }),
    new FileSetAccess('access', { fileSetId: 'x', grants: [] }),
    new FileSetFile('about', { fileSetId: 'x', path: 'about.md', content: 'x' }),
    new FileSetFolder('handbook', { fileSetId: 'x', source: 'docs' }),
  ]);
  sourceProviders = Object.fromEntries(registered.map((r) => [r.type, String(r.inputs.__provider)]));
  providers = captureInstalledProviders(pkg.projectDir);
  mkdirSync(join(pkg.projectDir, 'docs', 'guide'), { recursive: true });
  writeFileSync(join(pkg.projectDir, 'docs', 'intro.md'), '# intro');
  writeFileSync(join(pkg.projectDir, 'docs', 'guide', 'setup.md'), '# setup');
}, 240000);

afterAll(async () => {
  for (const h of hosts) await h.stop();
  await be?.close();
  pkg?.remove();
});

async function host(env?: Record<string, string>): Promise<Host> {
  const h = await startHost({ cwd: pkg.projectDir, env });
  hosts.push(h);
  return h;
}

/** Check then Create, as `pulumi up` does for a new resource. */
async function up(
  h: Host,
  type: string,
  name: string,
  news: Record<string, unknown>,
): Promise<{ id: string; inputs: Record<string, unknown>; outs: Record<string, unknown> }> {
  const urn = urnOf(type, name);
  const checked = await h.check(urn, {}, { ...news, __provider: providers[type] });
  expect(checked.failures).toEqual([]);
  const created = await h.create(urn, checked.inputs);
  seenOutputs.push(created.properties);
  return { id: created.id, inputs: checked.inputs, outs: created.properties };
}

describe(`provider host of @pulumi/pulumi ${PULUMI_VERSION}`, () => {
  let h: Host;
  let fs: { id: string; inputs: Record<string, unknown>; outs: Record<string, unknown> };
  const fsUrn = urnOf(T.fileSet, 'docs');

  beforeAll(async () => {
    h = await host();
    // Secret config arrives wrapped; the host unwraps it and answers acceptSecrets=false.
    const res = await h.configure({ 'domo:baseUrl': emu.url, 'domo:token': secret(CANARY), 'domo-filesets-example:forceDestroy': 'false' });
    expect(res.acceptSecrets).toBe(false);
  });

  it('serialized providers carry no token and no client, pool or limiter instances', () => {
    expect(Object.keys(providers).sort()).toEqual([T.fileSet, T.access, T.file, T.folder].sort());
    for (const text of [...Object.values(providers), ...Object.values(sourceProviders)]) {
      expect(text).toContain('exports.handler');
      expect(text).not.toContain(CANARY);
      expect(text).not.toMatch(/undici|p-limit|yocto-queue|pLimit\(|new Agent\(/);
      // Only Node built-ins are required by name; the package's own code travels by value, and its client
      // and loader are required at call time through the public subpaths.
      const required = [...text.matchAll(/require\((["'])([^"']+)\1\)/g)].map((m) => m[2]);
      for (const r of required) expect(r).toMatch(/^(node:)?[a-z_]+$/);
      // A compiled `exports.X` inside a serialized function would point at the host's module, not ours.
      expect(text.replace(/^exports\.handler = /m, '')).not.toMatch(/\bexports\.[A-Za-z_]/);
    }
  });

  it('check returns failures over the wire instead of failing the RPC', async () => {
    const r = await h.check(fsUrn, {}, { name: '', aiEnabled: 'yes', __provider: providers[T.fileSet] });
    expect(r.failures.map((f) => f.property).sort()).toEqual(['aiEnabled', 'name']);
  });

  it('pulumi up: creates a FileSet with the secret token from config', async () => {
    fs = await up(h, T.fileSet, 'docs', { name: 'engine-docs', description: 'v1' });
    expect(fs.outs).toMatchObject({ name: 'engine-docs', description: 'v1', forceDestroy: false, __provider: providers[T.fileSet] });
    expect((await client.getFileSet(fs.id)).name).toBe('engine-docs');
  });

  it('pulumi preview with unknowns: a folder and a file whose FileSet id is not known yet', async () => {
    const folder = await h.check(urnOf(T.folder, 'pre'), {}, { fileSetId: UNKNOWN, source: 'docs', __provider: providers[T.folder] });
    expect(folder.failures).toEqual([]);
    expect(folder.inputs.digest).toMatch(/^[0-9a-f]{64}$/);
    const file = await h.check(urnOf(T.file, 'pre'), {}, { fileSetId: UNKNOWN, path: 'a.md', content: UNKNOWN, __provider: providers[T.file] });
    expect(file.failures).toEqual([]);
    expect(file.inputs.hash).toBe(UNKNOWN);
    const diff = await h.diff(fs.id, fsUrn, fs.outs, { name: UNKNOWN, __provider: providers[T.fileSet] });
    expect(diff).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: false });
  });

  let folder: { id: string; inputs: Record<string, unknown>; outs: Record<string, unknown> };
  let file: { id: string; inputs: Record<string, unknown>; outs: Record<string, unknown> };

  it('pulumi up: syncs a folder (source relative to the project directory) and uploads a file', async () => {
    folder = await up(h, T.folder, 'handbook', { fileSetId: fs.id, source: 'docs', directoryPath: 'handbook' });
    expect(folder.outs).toMatchObject({ fileCount: 2, totalBytes: 14, digest: folder.inputs.digest });
    file = await up(h, T.file, 'about', { fileSetId: fs.id, path: 'about.md', content: '# about' });
    expect(file.outs).toMatchObject({ path: 'about.md', size: 7, hash: file.inputs.hash });
    const paths: string[] = [];
    for await (const e of client.listFiles(fs.id, { filesOnly: true })) paths.push(e.path);
    expect(paths.sort()).toEqual(['about.md', 'handbook/guide/setup.md', 'handbook/intro.md']);
  });

  it('pulumi preview of the same program after the provider code changed: no diff', async () => {
    const changed: Record<string, string> = {};
    for (const [t, text] of Object.entries(providers)) changed[t] = `${text}\n// a newer domo-filesets\n`;
    for (const [type, r, news] of [
      [T.fileSet, fs, { name: 'engine-docs', description: 'v1' }],
      [T.folder, folder, { fileSetId: fs.id, source: 'docs', directoryPath: 'handbook' }],
      [T.file, file, { fileSetId: fs.id, path: 'about.md', content: '# about' }],
    ] as const) {
      const urn = urnOf(type, 'x');
      const checked = await h.check(urn, r.inputs, { ...news, __provider: changed[type] });
      expect(checked.inputs.__provider).toBe(changed[type]);
      expect(await h.diff(r.id, urn, r.outs, checked.inputs)).toEqual({ changes: 'none', replaces: [], deleteBeforeReplace: false });
    }
  });

  it('pulumi up after edits: in-place updates return complete outputs with the new provider', async () => {
    const v2 = `${providers[T.fileSet]}\n// v2\n`;
    const checked = await h.check(fsUrn, fs.inputs, { name: 'engine-docs', description: 'v2', __provider: v2 });
    expect(await h.diff(fs.id, fsUrn, fs.outs, checked.inputs)).toMatchObject({ changes: 'some', replaces: [] });
    const outs = await h.update(fs.id, fsUrn, fs.outs, checked.inputs);
    seenOutputs.push(outs);
    expect(outs).toMatchObject({ name: 'engine-docs', description: 'v2', created: fs.outs.created, __provider: v2 });
    expect(Object.keys(outs).sort()).toEqual(Object.keys(fs.outs).sort());
    fs = { ...fs, inputs: checked.inputs, outs };

    writeFileSync(join(pkg.projectDir, 'docs', 'intro.md'), '# intro, edited');
    const fUrn = urnOf(T.folder, 'handbook');
    const fChecked = await h.check(fUrn, folder.inputs, { fileSetId: fs.id, source: 'docs', directoryPath: 'handbook', __provider: providers[T.folder] });
    expect(fChecked.inputs.digest).not.toBe(folder.inputs.digest);
    expect(await h.diff(folder.id, fUrn, folder.outs, fChecked.inputs)).toMatchObject({ changes: 'some', replaces: [] });
    const fOuts = await h.update(folder.id, fUrn, folder.outs, fChecked.inputs);
    seenOutputs.push(fOuts);
    expect(fOuts).toMatchObject({ fileCount: 2, totalBytes: 22, digest: fChecked.inputs.digest });
    folder = { ...folder, inputs: fChecked.inputs, outs: fOuts };
  });

  it('a path change replaces the file', async () => {
    const urn = urnOf(T.file, 'about');
    const checked = await h.check(urn, file.inputs, { fileSetId: fs.id, path: 'docs/about.md', content: '# about', __provider: providers[T.file] });
    expect(await h.diff(file.id, urn, file.outs, checked.inputs)).toEqual({ changes: 'some', replaces: ['path'], deleteBeforeReplace: false });
  });

  it('pulumi refresh after out-of-band edits shows the drift; the next preview wants to put it back', async () => {
    await client.updateFileSet(fs.id, { name: 'renamed-in-domo' });
    await client.uploadFile(fs.id, { path: 'about.md', source: { content: 'edited in domo' } });
    const r = await h.read(fs.id, fsUrn, fs.outs, fs.inputs);
    seenOutputs.push(r.properties);
    expect(r.id).toBe(fs.id);
    expect(r.properties).toMatchObject({ name: 'renamed-in-domo', description: 'v2', __provider: fs.outs.__provider });
    expect(await h.diff(fs.id, fsUrn, r.properties, fs.inputs)).toMatchObject({ changes: 'some', replaces: [] });

    const fr = await h.read(file.id, urnOf(T.file, 'about'), file.outs, file.inputs);
    expect(fr.properties.hash).not.toBe(file.inputs.hash);
    expect(await h.diff(file.id, urnOf(T.file, 'about'), fr.properties, file.inputs)).toMatchObject({ changes: 'some', replaces: [] });
    const restored = await h.update(file.id, urnOf(T.file, 'about'), fr.properties, file.inputs);
    expect(restored.hash).toBe(file.inputs.hash);
    file = { ...file, outs: restored };
  });

  it('import (Resource.get): read with only the provider in the inputs', async () => {
    // A modern engine sends a Get with no properties, only inputs; older hosts only look at properties.
    const only = { __provider: providers[T.fileSet] };
    const r = await h.read(fs.id, urnOf(T.fileSet, 'adopted'), HOST_READS_GET_INPUTS ? {} : only, only);
    expect(r).toMatchObject({ id: fs.id, properties: { name: 'renamed-in-domo', description: 'v2' } });
    // Hosts from 3.216 forward the inputs read returns (older ones drop them; the engine then uses outputs).
    if (hostAtLeast('3.216.0')) expect(r.inputs).toMatchObject({ name: 'renamed-in-domo' });
  });

  it('pulumi destroy: a FileSet that still holds files is refused, then goes after its files', async () => {
    await expect(h.delete(fs.id, fsUrn, fs.outs)).rejects.toThrow(/refusing to delete FileSet .*forceDestroy: true/);
    expect((await client.getFileSet(fs.id)).id).toBe(fs.id);
    await h.delete(file.id, urnOf(T.file, 'about'), file.outs);
    await h.delete(folder.id, urnOf(T.folder, 'handbook'), folder.outs);
    await h.delete(fs.id, fsUrn, fs.outs);
    await expect(client.getFileSet(fs.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Already gone (deleted by hand, or a retried destroy): success, and refresh drops it.
    await h.delete(fs.id, fsUrn, fs.outs);
    const gone = await h.read(fs.id, fsUrn, fs.outs, fs.inputs);
    expect(gone.id).toBe('');
  });

  it('the token never shows in outputs or in the host output', () => {
    expect(JSON.stringify(seenOutputs)).not.toContain(CANARY);
    expect(h.output()).not.toContain(CANARY);
  });
});

/** path → SHA-256 of every file under `dir`, as the remote paths under `prefix` they should become. */
function localUnder(dir: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = join(e.parentPath, e.name)
      .slice(dir.length + 1)
      .split('\\')
      .join('/');
    out[prefix ? `${prefix}/${rel}` : rel] = createHash('sha256')
      .update(readFileSync(join(e.parentPath, e.name)))
      .digest('hex');
  }
  return out;
}

/** path → SHA-256 of every file in a FileSet. */
async function remoteFiles(fileSetId: string, via: DomoFilesClient = client): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for await (const e of via.listFiles(fileSetId, { filesOnly: true })) out[e.path] = e.hash;
  return out;
}

describe('a FileSetFolder replace, in the order the engine runs it', () => {
  let h: Host;
  let fileSetId: string;
  const src = 'replace-src';

  beforeAll(async () => {
    h = await host();
    await h.configure({ 'domo:baseUrl': emu.url, 'domo:token': secret(CANARY) });
    fileSetId = (await client.createFileSet({ name: 'engine-replace' })).id;
    mkdirSync(join(pkg.projectDir, src, 'guide'), { recursive: true });
    writeFileSync(join(pkg.projectDir, src, 'intro.md'), '# intro');
    writeFileSync(join(pkg.projectDir, src, 'guide', 'setup.md'), '# setup');
  });

  it.each([
    ['', 'docs'],
    ['handbook', 'handbook/v2'],
    ['docs', ''],
  ])('directoryPath "%s" → "%s": the old prefix is emptied first, and the FileSet ends up holding the folder under the new prefix', async (from, to) => {
    const urn = urnOf(T.folder, `move-${from}`);
    const old = await up(h, T.folder, `move-${from}`, { fileSetId, source: src, directoryPath: from });
    expect(await remoteFiles(fileSetId)).toEqual(localUnder(join(pkg.projectDir, src), from));
    const { stored, steps } = await engineUp(h, urn, old, { fileSetId, source: src, directoryPath: to, __provider: providers[T.folder] });
    expect(steps).toEqual(['check', 'diff:replace', 'check', 'delete-old', 'create']);
    expect(await remoteFiles(fileSetId)).toEqual(localUnder(join(pkg.projectDir, src), to));
    expect(stored.outs).toMatchObject({ directoryPath: to, fileCount: 2 });
    await h.delete(stored.id, urn, stored.outs);
    expect(await remoteFiles(fileSetId)).toEqual({});
  });

  it('into another FileSet: created first, then the old prefix is emptied', async () => {
    const urn = urnOf(T.folder, 'move-fs');
    const target = (await client.createFileSet({ name: 'engine-replace-target' })).id;
    await client.uploadFile(fileSetId, { path: 'outside.md', source: { content: 'not the folder’s' } });
    const old = await up(h, T.folder, 'move-fs', { fileSetId, source: src, directoryPath: 'kb' });
    const { steps } = await engineUp(h, urn, old, { fileSetId: target, source: src, directoryPath: 'kb', __provider: providers[T.folder] });
    expect(steps).toEqual(['check', 'diff:replace', 'check', 'create', 'delete-old']);
    expect(await remoteFiles(target)).toEqual(localUnder(join(pkg.projectDir, src), 'kb'));
    expect(Object.keys(await remoteFiles(fileSetId))).toEqual(['outside.md']);
  });
});

describe('resources of one program that overlap', () => {
  let h: Host;

  beforeAll(async () => {
    h = await host();
    await h.configure({ 'domo:baseUrl': emu.url, 'domo:token': secret(CANARY) });
  });

  it('check fails for a folder whose prefix holds a FileSetFile of the same program, naming both; preview unknowns pass', async () => {
    const registered = await captureProviders(() => {
      const docs = new FileSet('docs', { name: 'engine-overlap' });
      return [
        docs,
        new FileSetFile('about', { fileSetId: docs.id, path: 'handbook/about.md', content: '# about' }),
        new FileSetFolder('handbook', { fileSetId: docs.id, source: 'docs', directoryPath: 'handbook' }),
      ];
    });
    const inputsOf = (name: string): Record<string, unknown> => {
      const r = registered.find((x) => x.name === name)!;
      return { ...r.inputs, __provider: providers[r.type] };
    };
    const about = await h.check(urnOf(T.file, 'about'), {}, inputsOf('about'));
    expect(about.failures).toEqual([]);
    expect(about.inputs).not.toHaveProperty('overlaps');

    const folderUrn = urnOf(T.folder, 'handbook');
    const folder = await h.check(folderUrn, {}, inputsOf('handbook'));
    expect(folder.failures).toEqual([
      {
        property: 'directoryPath',
        reason:
          "FileSetFile 'about' (path 'handbook/about.md') is inside FileSetFolder 'handbook' (prefix 'handbook') and would be pruned by it; exclude it in the folder (exclude: ['about.md']) or move it",
      },
    ]);

    const preview = await h.check(folderUrn, {}, { ...inputsOf('handbook'), overlaps: UNKNOWN });
    expect(preview.failures).toEqual([]);
    expect(preview.inputs).not.toHaveProperty('overlaps');
    // Stored state never had it; a program that sends it (empty or not) sees no diff because of it.
    const state = { ...preview.inputs, fileCount: 2, totalBytes: 14 };
    expect(await h.diff('docs-id/handbook', folderUrn, state, { ...preview.inputs, overlaps: ['x'] })).toEqual({
      changes: 'none',
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe('credentials', () => {
  it('a provider serialized from the TypeScript sources runs in the host as well', async () => {
    const h = await host();
    await h.configure({ 'domo:baseUrl': emu.url, 'domo:token': secret(CANARY) });
    const urn = urnOf(T.fileSet, 'src');
    const checked = await h.check(urn, {}, { name: 'engine-src', __provider: sourceProviders[T.fileSet] });
    const created = await h.create(urn, checked.inputs);
    expect(created.properties).toMatchObject({ name: 'engine-src', __provider: sourceProviders[T.fileSet] });
    await h.delete(created.id, urn, created.properties);
    await expect(client.getFileSet(created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a plain (non-secret) config token works too', async () => {
    const h = await host();
    await h.configure({ 'domo:baseUrl': emu.url, 'domo:token': CANARY });
    const r = await up(h, T.fileSet, 'plain', { name: 'engine-plain' });
    await h.delete(r.id, urnOf(T.fileSet, 'plain'), r.outs);
    expect(h.output()).not.toContain(CANARY);
  });

  it('without config, DOMO_BASE_URL and DOMO_DEVELOPER_TOKEN of the pulumi process are the fallback', async () => {
    const h = await host({ DOMO_BASE_URL: emu.url, DOMO_DEVELOPER_TOKEN: CANARY });
    await h.configure({});
    const r = await up(h, T.fileSet, 'env', { name: 'engine-env' });
    expect(r.outs.name).toBe('engine-env');
    await h.delete(r.id, urnOf(T.fileSet, 'env'), r.outs);
    expect(JSON.stringify(r.outs)).not.toContain(CANARY);
  });

  it('no credentials at all: create fails with a one-line hint, nothing created, no token printed', async () => {
    const h = await host();
    await h.configure({});
    const urn = urnOf(T.fileSet, 'none');
    const checked = await h.check(urn, {}, { name: 'engine-none', __provider: providers[T.fileSet] });
    await expect(h.create(urn, checked.inputs)).rejects.toThrow(/pulumi config set --secret domo:token/);
    expect(await client.findFileSetsByName('engine-none')).toEqual([]);
  });

  it('a wrong token fails the create without echoing it', async () => {
    const h = await host();
    await h.configure({ 'domo:baseUrl': emu.url, 'domo:token': secret('wrong-token-xyz') });
    const urn = urnOf(T.fileSet, 'wrong');
    const checked = await h.check(urn, {}, { name: 'engine-wrong', __provider: providers[T.fileSet] });
    const err = await h.create(urn, checked.inputs).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/creating FileSet "engine-wrong": 401/);
    expect(err?.message).not.toContain('wrong-token-xyz');
    expect(h.output()).not.toContain('wrong-token-xyz');
  });
});

describe('the knowledge base: owner, access and indexing against an emulator with users and groups', () => {
  const USER7 = 'engine-user-7-token';
  let kb: EmulatorHandle;
  let owner: DomoFilesClient;
  let h: Host;

  /** The FileSet's access list as the emulator answers it, in one order. */
  async function accessList(fileSetId: string): Promise<string[]> {
    return (await owner.getAccess(fileSetId)).fileSetAccess.map((e) => `${e.entityType} ${e.entityId} ${e.permission}`).sort();
  }

  beforeAll(async () => {
    ({ emu: kb, client: owner } = await startBackend({ token: CANARY, users: [{ token: USER7, userId: 7, groups: [70] }] }, { retry: { attempts: 1 } }));
    h = await host();
    await h.configure({ 'domo:baseUrl': kb.url, 'domo:token': secret(CANARY) });
  });

  afterAll(async () => {
    await owner?.close();
    await kb?.close();
  });

  it('FileSet owner: a transfer is refused without allowOwnerTransfer, done with it; refresh shows drift', async () => {
    const urn = urnOf(T.fileSet, 'owned');
    const created = await h.check(urnOf(T.fileSet, 'new'), {}, { name: 'engine-kb-new', owner: 7, __provider: providers[T.fileSet] });
    expect(created.failures).toEqual([
      {
        property: 'owner',
        reason: expect.stringMatching(/^owner 7 would move FileSet 'engine-kb-new' away from this token's user .*set allowOwnerTransfer: true/),
      },
    ]);

    const fs = await up(h, T.fileSet, 'owned', { name: 'engine-kb-owned' });
    expect(fs.outs).toMatchObject({ owner: 1, permission: 'OWNER' });
    await expect(engineUp(h, urn, fs, { name: 'engine-kb-owned', owner: 7, __provider: providers[T.fileSet] })).rejects.toThrow(
      "owner 7 would move FileSet 'engine-kb-owned' away from user 1, this token's user, who may then lose access; set allowOwnerTransfer: true to allow it",
    );
    expect((await owner.getFileSet(fs.id)).owner).toBe('1');

    const { stored, steps } = await engineUp(h, urn, fs, { name: 'engine-kb-owned', owner: 7, allowOwnerTransfer: true, __provider: providers[T.fileSet] });
    expect(steps).toEqual(['check', 'diff:some', 'update']);
    expect(stored.outs).toMatchObject({ owner: 7, permission: 'EDIT' });
    expect(await accessList(fs.id)).toEqual(['USER 1 EDIT', 'USER 7 OWNER']);

    // The new owner hands it on in Domo: refresh shows it, and the next up wants it back.
    const seven = new DomoFilesClient({ baseUrl: kb.url, token: USER7, retry: { attempts: 1 } });
    await seven.transferOwnership(fs.id, 8).finally(() => seven.close());
    const refreshed = await h.read(fs.id, urn, stored.outs, stored.inputs);
    expect(refreshed.properties).toMatchObject({ owner: 8 });
    expect(await h.diff(fs.id, urn, refreshed.properties, stored.inputs)).toMatchObject({ changes: 'some', replaces: [] });
  });

  it('FileSetAccess: create reconciles exactly, a reordered list is no change, update, refresh drift, delete revokes', async () => {
    const fileSetId = (await owner.createFileSet({ name: 'engine-kb-access' })).id;
    await owner.updateAccess(fileSetId, [{ entityType: 'USER', entityId: 9, permission: 'READ' }]);
    const urn = urnOf(T.access, 'team');
    const grants = [
      { user: 7, permission: 'READ' },
      { group: 70, permission: 'EDIT' },
    ];
    const access = await up(h, T.access, 'team', { fileSetId, grants });
    expect(access.id).toBe(fileSetId);
    expect(await accessList(fileSetId)).toEqual(['GROUP 70 EDIT', 'USER 1 OWNER', 'USER 7 READ']);

    expect((await engineUp(h, urn, access, { fileSetId, grants: [...grants].reverse(), __provider: providers[T.access] })).steps).toEqual([
      'check',
      'diff:none',
    ]);

    const changed = await engineUp(h, urn, access, {
      fileSetId,
      grants: [
        { user: 8, permission: 'READ' },
        { user: 7, permission: 'EDIT' },
      ],
      __provider: providers[T.access],
    });
    expect(changed.steps).toEqual(['check', 'diff:some', 'update']);
    expect(await accessList(fileSetId)).toEqual(['USER 1 OWNER', 'USER 7 EDIT', 'USER 8 READ']);

    await owner.updateAccess(fileSetId, [
      { entityType: 'GROUP', entityId: 80, permission: 'READ' },
      { entityType: 'USER', entityId: 8, permission: 'EDIT' },
    ]);
    const refreshed = await h.read(fileSetId, urn, changed.stored.outs, changed.stored.inputs);
    expect(refreshed.properties.grants).toEqual([
      { user: 7, permission: 'EDIT' },
      { user: 8, permission: 'EDIT' },
      { group: 80, permission: 'READ' },
    ]);
    const again = await engineUp(
      h,
      urn,
      { ...changed.stored, outs: refreshed.properties },
      {
        fileSetId,
        grants: [
          { user: 8, permission: 'READ' },
          { user: 7, permission: 'EDIT' },
        ],
        __provider: providers[T.access],
      },
    );
    expect(again.steps).toEqual(['check', 'diff:some', 'update']);
    expect(await accessList(fileSetId)).toEqual(['USER 1 OWNER', 'USER 7 EDIT', 'USER 8 READ']);

    await h.delete(fileSetId, urn, again.stored.outs);
    expect(await accessList(fileSetId)).toEqual(['USER 1 OWNER']);
  });

  it('FileSetFolder waitForIndex: a file whose indexing FAILED is a partial failure naming its path and reason', async () => {
    const fileSetId = (await owner.createFileSet({ name: 'engine-kb-index', aiEnabled: true })).id;
    mkdirSync(join(pkg.projectDir, 'kb'), { recursive: true });
    writeFileSync(join(pkg.projectDir, 'kb', 'guide.md'), '# guide');
    writeFileSync(join(pkg.projectDir, 'kb', 'broken.pdf'), 'not a pdf at all');
    const urn = urnOf(T.folder, 'kb');
    const checked = await h.check(
      urn,
      {},
      { fileSetId, source: 'kb', directoryPath: 'kb', waitForIndex: { timeoutSeconds: 60 }, __provider: providers[T.folder] },
    );
    expect(checked.failures).toEqual([]);
    const err = await h.create(urn, checked.inputs).then(
      () => undefined,
      (e: RpcError) => e,
    );
    expect(err?.message).toMatch(
      /indexing failed for 1 of 2 uploaded file\(s\): "kb\/broken\.pdf" \(The file is not a readable PDF \(it does not start with %PDF\)\)/,
    );
    expect(err?.initFailed).toMatchObject({
      id: `${fileSetId}/kb`,
      properties: { digest: checked.inputs.digest, fileCount: 2, indexCompleted: 1, indexFailed: 1, indexPending: 0, __provider: providers[T.folder] },
    });
    expect(Object.keys(await remoteFiles(fileSetId, owner)).sort()).toEqual(['kb/broken.pdf', 'kb/guide.md']);
  });
});
