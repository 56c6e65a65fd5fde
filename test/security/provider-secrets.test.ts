/**
 * The canary through the Pulumi provider: the serialized provider (`__provider` captured under setMocks while
 * the token sits in the environment, in the stack config and in the process-level credential holder), every
 * input and output the engine would store, the errors of failing calls, and the dynamic-provider host's own
 * output (stdout + stderr) — none contains it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSet, FileSetAccess, FileSetFile, FileSetFolder } from '../../provider';
import { storeCredentials } from '../../provider/runtime';
import { buildPackage, captureProviders, secret, startHost, urnOf, type BuiltPackage, type Host } from '../engine/harness';
import { canary, logFigures, startBackend, type Backend } from '../support/harness';

jest.setTimeout(240_000);

const CANARY = canary('PULUMI');
const T = {
  fileSet: 'pulumi-nodejs:dynamic/domo-filesets:FileSet',
  access: 'pulumi-nodejs:dynamic/domo-filesets:FileSetAccess',
  file: 'pulumi-nodejs:dynamic/domo-filesets:FileSetFile',
  folder: 'pulumi-nodejs:dynamic/domo-filesets:FileSetFolder',
};

let pkg: BuiltPackage;
let be: Backend;
let host: Host | undefined;
let registered: { type: string; name: string; inputs: Record<string, unknown> }[];
const saved = { token: process.env.DOMO_DEVELOPER_TOKEN, config: process.env.PULUMI_CONFIG };

beforeAll(async () => {
  pkg = buildPackage();
  be = await startBackend({ token: CANARY });
  // Everywhere a careless closure could pick the token up from: env, stack config, the credential holder.
  process.env.DOMO_DEVELOPER_TOKEN = CANARY;
  process.env.PULUMI_CONFIG = JSON.stringify({ 'domo:token': CANARY, 'domo:baseUrl': be.emu.url });
  storeCredentials({ get: (k: string) => (k === 'domo:token' ? CANARY : k === 'domo:baseUrl' ? be.emu.url : undefined) });
  registered = await captureProviders(() => [
    new FileSet('docs', { name: 'secret-docs', description: 'd' }),
    new FileSetAccess('team', { fileSetId: 'x', grants: [{ user: 7, permission: 'READ' }] }),
    new FileSetFile('about', { fileSetId: 'x', path: 'about.md', content: 'hello' }),
    new FileSetFolder('handbook', { fileSetId: 'x', source: 'docs' }),
  ]);
  mkdirSync(join(pkg.projectDir, 'docs'), { recursive: true });
  writeFileSync(join(pkg.projectDir, 'docs', 'a.md'), '# a');
}, 240_000);

afterAll(async () => {
  if (saved.token === undefined) delete process.env.DOMO_DEVELOPER_TOKEN;
  else process.env.DOMO_DEVELOPER_TOKEN = saved.token;
  if (saved.config === undefined) delete process.env.PULUMI_CONFIG;
  else process.env.PULUMI_CONFIG = saved.config;
  await host?.stop();
  await be?.close();
  pkg?.remove();
});

it('the serialized providers and every registered input carry no token', () => {
  expect(registered.length).toBe(4);
  for (const r of registered) {
    expect(typeof r.inputs.__provider).toBe('string');
    expect(JSON.stringify(r.inputs)).not.toContain(CANARY);
  }
});

it('outputs, errors and the host output carry no token (create, read, update, failing calls, delete)', async () => {
  host = await startHost({ cwd: pkg.projectDir });
  await host.configure({ 'domo:baseUrl': be.emu.url, 'domo:token': secret(CANARY) });
  const providers = Object.fromEntries(registered.map((r) => [r.type, String(r.inputs.__provider)]));
  const stored: unknown[] = [];
  const errors: string[] = [];
  const attempt = async <X>(f: () => Promise<X>): Promise<X | undefined> => {
    try {
      return await f();
    } catch (e) {
      errors.push(String((e as Error).message), JSON.stringify(e));
      return undefined;
    }
  };

  const fsUrn = urnOf(T.fileSet, 'docs');
  const fsIn = await host.check(fsUrn, {}, { name: 'secret-docs', __provider: providers[T.fileSet] });
  const fs = await host.create(fsUrn, fsIn.inputs);
  stored.push(fsIn.inputs, fs.properties);
  const fileUrn = urnOf(T.file, 'about');
  const fileIn = await host.check(fileUrn, {}, { fileSetId: fs.id, path: 'about.md', content: 'hello', __provider: providers[T.file] });
  const file = await host.create(fileUrn, fileIn.inputs);
  stored.push(fileIn.inputs, file.properties);
  const folderUrn = urnOf(T.folder, 'handbook');
  const folderIn = await host.check(folderUrn, {}, { fileSetId: fs.id, source: 'docs', directoryPath: 'kb', __provider: providers[T.folder] });
  const folder = await host.create(folderUrn, folderIn.inputs);
  stored.push(folderIn.inputs, folder.properties);
  const accessUrn = urnOf(T.access, 'team');
  const accessIn = await host.check(accessUrn, {}, { fileSetId: fs.id, grants: [{ user: 7, permission: 'READ' }], __provider: providers[T.access] });
  const access = await host.create(accessUrn, accessIn.inputs);
  stored.push(accessIn.inputs, access.properties, (await host.read(access.id, accessUrn, access.properties, accessIn.inputs)).properties);
  stored.push((await host.read(fs.id, fsUrn, fs.properties, fsIn.inputs)).properties);

  // Failing calls: a FileSet that does not exist (for a file and for grants), a refused delete, a bad source.
  await attempt(() => host!.create(urnOf(T.file, 'ghost'), { ...fileIn.inputs, fileSetId: '00000000-0000-4000-8000-000000000000' }));
  await attempt(() => host!.delete(fs.id, fsUrn, fs.properties));
  const badFolder = await host.check(urnOf(T.folder, 'bad'), {}, { fileSetId: fs.id, source: '../../../etc', __provider: providers[T.folder] });
  stored.push(badFolder);
  await attempt(() => host!.create(urnOf(T.folder, 'bad'), { ...folderIn.inputs, source: 'nope' }));
  await attempt(() => host!.update(fs.id, fsUrn, fs.properties, { ...fsIn.inputs, name: '' }));
  await attempt(() => host!.create(urnOf(T.access, 'ghost'), { ...accessIn.inputs, fileSetId: '00000000-0000-4000-8000-000000000000' }));

  await host.delete(access.id, accessUrn, access.properties);

  await host.delete(file.id, fileUrn, file.properties);
  await host.delete(folder.id, folderUrn, folder.properties);
  await host.delete(fs.id, fsUrn, fs.properties);

  expect(errors.length).toBeGreaterThanOrEqual(4);
  for (const s of stored) expect(JSON.stringify(s)).not.toContain(CANARY);
  for (const e of errors) expect(e).not.toContain(CANARY);
  expect(host.output()).not.toContain(CANARY);
  logFigures('provider-secrets', { storedDocuments: stored.length, errors: errors.length / 2, hostOutputBytes: host.output().length });
});
