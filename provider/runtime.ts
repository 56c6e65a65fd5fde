/**
 * What the serialized provider needs at run time, in the Pulumi provider host: credentials set by
 * `configure` and the package's client and loader modules.
 *
 * Everything here is captured into the `__provider` text by value, so nothing here may hold a token, a
 * connection pool or a module instance: credentials live on a global symbol set by `configure` in the host
 * process, and modules are `require`d inside the methods (`require` itself is never captured).
 */
import type * as clientModule from '../client';
import type * as loaderModule from '../loader';

/** Credentials from the stack config; the token is never written anywhere but this process's memory. */
export interface DomoCredentials {
  instance?: string;
  baseUrl?: string;
  token?: string;
}

/** The subset of pulumi.dynamic.Config the provider reads (kept structural so old SDKs type-check). */
export interface ConfigLike {
  get(key: string): string | undefined;
}

/**
 * Where the package's compiled code was when the provider was serialized: the fallback when the name
 * `domo-filesets` does not resolve from the host's working directory (running from this repository).
 */
const PROVIDER_DIR: string = __dirname;

/** Key of the process-level credential holder; Symbol.for so every deserialized provider shares it. */
const CREDENTIALS_KEY = 'domo-filesets/provider/credentials';

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Reads domo:instance, domo:baseUrl and domo:token from the stack config into the process-level holder. */
export function storeCredentials(config: ConfigLike | undefined): void {
  const creds: DomoCredentials = {
    instance: nonEmpty(config && config.get('domo:instance')),
    baseUrl: nonEmpty(config && config.get('domo:baseUrl')),
    token: nonEmpty(config && config.get('domo:token')),
  };
  (globalThis as Record<symbol, unknown>)[Symbol.for(CREDENTIALS_KEY)] = creds;
}

/** Credentials set by configure (empty when configure never ran, e.g. in unit tests: env is the fallback). */
export function storedCredentials(): DomoCredentials {
  const v = (globalThis as Record<symbol, unknown>)[Symbol.for(CREDENTIALS_KEY)];
  return v && typeof v === 'object' ? (v as DomoCredentials) : {};
}

/** Every provider's `configure`: keeps the stack's domo:* config for the methods that follow. */
export async function configure(req: { config: ConfigLike }): Promise<void> {
  storeCredentials(req.config);
}

/** Forgets the stored credentials (tests). */
export function clearCredentials(): void {
  delete (globalThis as Record<symbol, unknown>)[Symbol.for(CREDENTIALS_KEY)];
}

/** True when `require` found no such module (or the package does not export that subpath). */
function isModuleMissing(e: unknown): boolean {
  const code = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
}

/**
 * Loads `domo-filesets/<sub>`: first by package name (a user's project has it in node_modules), then next to
 * the provider's own compiled code, then from the repository's dist/ (provider loaded from TypeScript source).
 */
function loadPart(sub: string): unknown {
  const path = require('node:path') as typeof import('node:path');
  const candidates = ['domo-filesets/' + sub, path.join(PROVIDER_DIR, '..', sub), path.join(PROVIDER_DIR, '..', 'dist', sub)];
  let last: unknown;
  for (const c of candidates) {
    try {
      return require(c);
    } catch (e) {
      if (!isModuleMissing(e)) throw e;
      last = e;
    }
  }
  throw new Error(
    `domo-filesets: cannot load its ${sub} module (install domo-filesets in the Pulumi project): ${String(last && (last as Error).message).split('\n')[0]}`,
  );
}

/** The client module, required at call time. */
export function clientLib(): typeof clientModule {
  return loadPart('client') as typeof clientModule;
}

/** The loader module, required at call time. */
export function loaderLib(): typeof loaderModule {
  return loadPart('loader') as typeof loaderModule;
}

/**
 * True for the client's 404 error only: the client's own rule, which recognizes its errors from any copy of
 * its module. A 403 is never "gone": some servers answer 403 for an object the user cannot see, and treating
 * that as deleted would drop a live resource from the state.
 */
export function isNotFound(e: unknown): boolean {
  return clientLib().isNotFound(e);
}

/** A client for the configured Domo instance (config first, then DOMO_* environment variables). */
export function connect(): clientModule.DomoFilesClient {
  const creds = storedCredentials();
  const lib = clientLib();
  try {
    return new lib.DomoFilesClient({
      baseUrl: creds.baseUrl,
      instance: creds.baseUrl ? undefined : creds.instance,
      token: creds.token,
      env: process.env,
      userAgent: 'domo-filesets-pulumi',
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(
      `domo-filesets: ${msg}; in a Pulumi stack: pulumi config set domo:instance NAME (or domo:baseUrl URL) and pulumi config set --secret domo:token TOKEN`,
      { cause: e },
    );
  }
}

/** Runs `fn` with a fresh client and always closes its connection pool. */
export async function withClient<T>(fn: (client: clientModule.DomoFilesClient) => Promise<T>): Promise<T> {
  const client = connect();
  try {
    return await fn(client);
  } finally {
    await client.close().catch(() => undefined);
  }
}
