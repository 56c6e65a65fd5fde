/**
 * Drives Pulumi's own dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC the way the
 * engine does during `pulumi up/preview/refresh/destroy`, without the Pulumi CLI.
 *
 * - `buildPackage()` compiles this repository into a throwaway project's node_modules/domo-filesets, so the
 *   host resolves `domo-filesets/client` and `domo-filesets/loader` exactly as in a user's project.
 * - `captureProviders()` runs a program under pulumi.runtime.setMocks and returns each resource's inputs,
 *   including the serialized `__provider` text the engine would store.
 * - `startHost()` spawns the host, reads its port from the first stdout line and wraps the RPCs.
 */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as pulumi from '@pulumi/pulumi';
import { ROOT } from '../support/fs-state';

/**
 * The @pulumi/pulumi the simulated user project runs (host and serialization): this repository's, or the one
 * in ENGINE_PULUMI_NODE_MODULES (a node_modules directory holding another version, e.g. the peer minimum).
 */
const PROJECT_PULUMI_MODULES = process.env.ENGINE_PULUMI_NODE_MODULES || join(ROOT, 'node_modules');
const PROJECT_PULUMI_DIR = join(PROJECT_PULUMI_MODULES, '@pulumi', 'pulumi');
/** The host script the engine starts as the `pulumi-resource-pulumi-nodejs` plugin. */
const HOST_SCRIPT = join(PROJECT_PULUMI_DIR, 'cmd', 'dynamic-provider', 'index.js');
/** Version of @pulumi/pulumi the host comes from. */
export const PULUMI_VERSION: string = JSON.parse(readFileSync(join(PROJECT_PULUMI_DIR, 'package.json'), 'utf8')).version;
/** True when the host's version is at least `v` (features differ across the supported range). */
export function hostAtLeast(v: string): boolean {
  const a = PULUMI_VERSION.split('.').map(Number);
  const b = v.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** Whether the host falls back to a Get's inputs to find `__provider` (newer hosts; modern engines send no properties). */
export const HOST_READS_GET_INPUTS: boolean = readFileSync(HOST_SCRIPT, 'utf8').includes('req.getInputs()');

// This process's own copy, used for the gRPC stubs (the wire protocol is the same across versions).
const PULUMI_DIR = dirname(require.resolve('@pulumi/pulumi/package.json'));

// The generated stubs and messages must be used with the google-protobuf copy that @pulumi/pulumi loads.
const providerGrpc = require(join(PULUMI_DIR, 'proto', 'provider_grpc_pb.js'));
const providerPb = require(join(PULUMI_DIR, 'proto', 'provider_pb.js'));
const statusPb = require(join(PULUMI_DIR, 'proto', 'status_pb.js'));
const structPb = require(require.resolve('google-protobuf/google/protobuf/struct_pb', { paths: [PULUMI_DIR] }));

/** The engine's special wire values. */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** A secret-wrapped wire value (as the engine sends secrets to a provider that accepts them). */
export function secret(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** A throwaway Pulumi project directory whose node_modules/domo-filesets is this repository, freshly built. */
export interface BuiltPackage {
  /** Project directory: the host's cwd. */
  projectDir: string;
  remove(): void;
}

/**
 * Compiles the package (tsconfig.build.json) into <tmp>/node_modules/domo-filesets/dist. Type errors in
 * folders under construction do not stop tsc from emitting; the needed entry points are checked instead.
 */
export function buildPackage(): BuiltPackage {
  const projectDir = mkdtempSync(join(tmpdir(), 'domo-filesets-engine-'));
  const pkgDir = join(projectDir, 'node_modules', 'domo-filesets');
  mkdirSync(pkgDir, { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(pkgDir, 'package.json'));
  // The project's node_modules looks like a user's: the package's dependencies (undici, p-limit, ...) from the
  // repository, and one @pulumi/pulumi that both the package and the program resolve.
  for (const dep of readdirSync(join(ROOT, 'node_modules'))) {
    if (dep === '@pulumi' || dep.startsWith('.')) continue;
    symlinkSync(join(ROOT, 'node_modules', dep), join(projectDir, 'node_modules', dep), 'dir');
  }
  symlinkSync(join(PROJECT_PULUMI_MODULES, '@pulumi'), join(projectDir, 'node_modules', '@pulumi'), 'dir');
  writeFileSync(join(projectDir, 'Pulumi.yaml'), 'name: domo-filesets-example\nruntime: nodejs\n');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(
    process.execPath,
    [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(pkgDir, 'dist'), '--declaration', 'false', '--sourceMap', 'false'],
    { encoding: 'utf8' },
  );
  for (const entry of ['client/index.js', 'loader/index.js', 'provider/index.js']) {
    if (!existsSync(join(pkgDir, 'dist', entry))) {
      throw new Error(`build did not produce dist/${entry}:\n${r.stdout}\n${r.stderr}`);
    }
  }
  return { projectDir, remove: () => rmSync(projectDir, { recursive: true, force: true }) };
}

/** One resource registration seen by the mocks. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  id: string;
}

/**
 * Runs `program` under pulumi.runtime.setMocks (no engine, no provider calls) and returns what it registered;
 * each dynamic resource's inputs carry the serialized provider in `__provider`. With `preview`, values the
 * program marks unknown stay unknown, as in `pulumi preview`.
 */
export async function captureProviders(program: () => pulumi.Resource[] | Promise<pulumi.Resource[]>, stack = 'dev', preview = false): Promise<Registered[]> {
  const seen: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = args.id || `${args.name}-id`;
        seen.push({ type: args.type, name: args.name, inputs: args.inputs, id });
        return { id, state: args.inputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    'domo-filesets-example',
    stack,
    preview,
  );
  const resources = await program();
  await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  return seen;
}

/**
 * Serializes the providers the way a user's program does: a plain Node process (no jest globals) in the
 * project directory, `require('domo-filesets/provider')` from node_modules, resources constructed under
 * setMocks. Returns `__provider` per type token.
 */
export function captureInstalledProviders(projectDir: string): Record<string, string> {
  const script = `
    const pulumi = require('@pulumi/pulumi');
    const seen = {};
    pulumi.runtime.setMocks({
      newResource: (a) => { seen[a.type] = a.inputs.__provider; return { id: a.name + '-id', state: a.inputs }; },
      call: (a) => a.inputs,
    }, 'domo-filesets-example', 'dev', false).then(async () => {
      const { FileSet, FileSetAccess, FileSetFile, FileSetFolder } = require('domo-filesets/provider');
      const rs = [
        new FileSet('docs', { name: 'n' }),
        new FileSetAccess('a', { fileSetId: 'x', grants: [] }),
        new FileSetFile('f', { fileSetId: 'x', path: 'a.md', content: 'x' }),
        new FileSetFolder('d', { fileSetId: 'x', source: 'docs' }),
      ];
      await Promise.all(rs.map((r) => new Promise((res) => r.urn.apply(res))));
      process.stdout.write(JSON.stringify(seen));
    }).catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = spawnSync(process.execPath, ['-e', script], {
    cwd: projectDir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
  });
  if (r.status !== 0) throw new Error(`serializing the installed providers failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}

/** Result of Check. */
interface CheckReply {
  inputs: Record<string, unknown>;
  failures: { property: string; reason: string }[];
}

/** Result of Diff. */
interface DiffReply {
  changes: 'none' | 'some' | 'unknown';
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** An RPC error, with the partial-create details when the provider reported one. */
export interface RpcError extends Error {
  code?: number;
  details?: string;
  initFailed?: { id: string; properties: Record<string, unknown>; reasons: string[] };
}

/** A running provider host and typed wrappers of its RPCs. */
export interface Host {
  port: number;
  /** Everything the host wrote to stdout and stderr so far. */
  output(): string;
  configure(config: Record<string, unknown>): Promise<{ acceptSecrets: boolean }>;
  check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckReply>;
  diff(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffReply>;
  create(urn: string, props: Record<string, unknown>): Promise<{ id: string; properties: Record<string, unknown> }>;
  read(
    id: string,
    urn: string,
    props: Record<string, unknown>,
    inputs?: Record<string, unknown>,
  ): Promise<{ id: string; properties: Record<string, unknown>; inputs?: Record<string, unknown> }>;
  update(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>>;
  delete(id: string, urn: string, props: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

function struct(o: Record<string, unknown>): unknown {
  return structPb.Struct.fromJavaScript(o);
}

function toRpcError(err: grpc.ServiceError): RpcError {
  const e = new Error(err.details || err.message) as RpcError;
  e.code = err.code;
  e.details = err.details;
  const bins = err.metadata ? err.metadata.get('grpc-status-details-bin') : [];
  if (bins.length) {
    const status = statusPb.Status.deserializeBinary(new Uint8Array(bins[0] as Buffer));
    for (const any of status.getDetailsList()) {
      if (String(any.getTypeUrl()).endsWith('pulumirpc.ErrorResourceInitFailed')) {
        const d = providerPb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        e.initFailed = { id: d.getId(), properties: d.getProperties()?.toJavaScript() ?? {}, reasons: d.getReasonsList() };
      }
    }
  }
  return e;
}

/**
 * Starts `node <host> <engine address>` as the engine does (the host never dials the address), with `cwd` as
 * the project directory and exactly the environment given (nothing inherited but PATH and HOME).
 */
export async function startHost(opts: { cwd: string; env?: Record<string, string> }): Promise<Host> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    PULUMI_NODEJS_PROJECT: 'domo-filesets-example',
    PULUMI_NODEJS_STACK: 'dev',
    ...(opts.env ?? {}),
  };
  const child: ChildProcess = spawn(process.execPath, [HOST_SCRIPT, '127.0.0.1:1'], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    let first = '';
    const onData = (d: string): void => {
      out += d;
      first += d;
      const nl = first.indexOf('\n');
      if (nl >= 0) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (more: string) => (out += more));
        resolve(Number(first.slice(0, nl).trim()));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`provider host exited (${code}) before printing its port:\n${out}`)));
  });
  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, req: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      client[method](req, (err: grpc.ServiceError | null, res: T) => (err ? reject(toRpcError(err)) : resolve(res)));
    });
  const js = (s: { toJavaScript(): Record<string, unknown> } | undefined): Record<string, unknown> => (s ? s.toJavaScript() : {});

  return {
    port,
    output: () => out,
    async configure(config) {
      const req = new providerPb.ConfigureRequest();
      req.setArgs(struct(config));
      const vars = req.getVariablesMap();
      for (const [k, v] of Object.entries(config)) vars.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      req.setAcceptsecrets(true);
      req.setAcceptresources(true);
      const res = await call<{ getAcceptsecrets(): boolean }>('configure', req);
      return { acceptSecrets: res.getAcceptsecrets() };
    },
    async check(urn, olds, news) {
      const req = new providerPb.CheckRequest();
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call<{ getInputs(): { toJavaScript(): Record<string, unknown> }; getFailuresList(): { getProperty(): string; getReason(): string }[] }>(
        'check',
        req,
      );
      return { inputs: js(res.getInputs()), failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
    },
    async diff(id, urn, olds, news) {
      const req = new providerPb.DiffRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call<{ getChanges(): number; getReplacesList(): string[]; getDeletebeforereplace(): boolean }>('diff', req);
      const C = providerPb.DiffResponse.DiffChanges;
      const changes = res.getChanges() === C.DIFF_SOME ? 'some' : res.getChanges() === C.DIFF_NONE ? 'none' : 'unknown';
      return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
    },
    async create(urn, props) {
      const req = new providerPb.CreateRequest();
      req.setUrn(urn);
      req.setProperties(struct(props));
      const res = await call<{ getId(): string; getProperties(): { toJavaScript(): Record<string, unknown> } }>('create', req);
      return { id: res.getId(), properties: js(res.getProperties()) };
    },
    async read(id, urn, props, inputs) {
      const req = new providerPb.ReadRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setProperties(struct(props));
      if (inputs) req.setInputs(struct(inputs));
      const res = await call<{
        getId(): string;
        getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
        getInputs(): { toJavaScript(): Record<string, unknown> } | undefined;
      }>('read', req);
      const ins = res.getInputs();
      return { id: res.getId(), properties: js(res.getProperties()), inputs: ins ? js(ins) : undefined };
    },
    async update(id, urn, olds, news) {
      const req = new providerPb.UpdateRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call<{ getProperties(): { toJavaScript(): Record<string, unknown> } }>('update', req);
      return js(res.getProperties());
    },
    async delete(id, urn, props) {
      const req = new providerPb.DeleteRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setProperties(struct(props));
      await call('delete', req);
    },
    async stop() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** A resource as the engine keeps it in the state: id, the inputs check returned, the outputs. */
export interface Stored {
  id: string;
  inputs: Record<string, unknown>;
  outs: Record<string, unknown>;
}

/**
 * `pulumi up` for a resource that exists, in the engine's order (pkg/resource/deploy/step_generator.go):
 * Check(old inputs, news) → Diff(old outputs, checked news) → nothing, Update, or a replace. A replace runs
 * Check again without old inputs, then either Delete(old) → Create(new) when the diff (or the program) asks
 * for deleteBeforeReplace, or Create(new) → Delete(old): by default the engine deletes replaced resources
 * after every create and update of the run. Returns the new state and the steps taken, in order.
 */
export async function engineUp(h: Host, urn: string, old: Stored, news: Record<string, unknown>): Promise<{ stored: Stored; steps: string[] }> {
  const steps: string[] = ['check'];
  const checked = await h.check(urn, old.inputs, news);
  if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  const diff = await h.diff(old.id, urn, old.outs, checked.inputs);
  steps.push(`diff:${diff.replaces.length > 0 ? 'replace' : diff.changes}`);
  if (diff.replaces.length === 0) {
    if (diff.changes === 'none') return { stored: old, steps };
    steps.push('update');
    const outs = await h.update(old.id, urn, old.outs, checked.inputs);
    return { stored: { id: old.id, inputs: checked.inputs, outs }, steps };
  }
  steps.push('check');
  const again = await h.check(urn, {}, news);
  if (diff.deleteBeforeReplace) {
    steps.push('delete-old', 'create');
    await h.delete(old.id, urn, old.outs);
    const created = await h.create(urn, again.inputs);
    return { stored: { id: created.id, inputs: again.inputs, outs: created.properties }, steps };
  }
  steps.push('create', 'delete-old');
  const created = await h.create(urn, again.inputs);
  await h.delete(old.id, urn, old.outs);
  return { stored: { id: created.id, inputs: again.inputs, outs: created.properties }, steps };
}

/** The URN the engine would give a resource of this stack. */
export function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::domo-filesets-example::${type}::${name}`;
}
