/**
 * Configuration resolution: explicit options first, then the environment. Kept apart from the client so the
 * CLI and the provider can validate credentials (and show the one-line ConfigError) before any I/O.
 */
import { TOKEN_ENV_VARS } from './env-names';
import { isIP } from 'node:net';
import { ConfigError } from './errors';
import type { ClientOptions, RetryOptions } from './types';

/** The resolved connection target. */
export interface ResolvedClientConfig {
  /** Origin plus optional path prefix, no trailing slash. */
  baseUrl: string;
  token: string;
}

export { TOKEN_ENV_VARS };

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** True for localhost names and loopback addresses (127.0.0.0/8, ::1). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

function instanceToUrl(instance: string): string {
  if (/^https?:\/\//i.test(instance)) return instance;
  // Users paste either "acme" or "acme.domo.com".
  if (/^[a-z0-9][a-z0-9-]*$/i.test(instance)) return `https://${instance}.domo.com`;
  if (/^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$/i.test(instance)) return `https://${instance}`;
  throw new ConfigError(`Invalid Domo instance "${instance}": expected the {instance} part of https://{instance}.domo.com`);
}

/** Validates and normalizes a base URL; refuses plain http:// to a host that is not loopback. */
function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`Invalid Domo base URL "${raw}": expected e.g. https://acme.domo.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`Invalid Domo base URL: protocol ${url.protocol} of host ${url.host} is not http(s)`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`Invalid Domo base URL for host ${url.host}: credentials in the URL are not supported; use the token setting`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      `Refusing plain http:// to ${url.host}: the developer token would travel unencrypted; use https:// (http is allowed only for loopback hosts such as the emulator)`,
    );
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${prefix}`;
}

/**
 * Resolves {baseUrl, token} from options, then env: DOMO_BASE_URL or DOMO_INSTANCE; DOMO_DEVELOPER_TOKEN,
 * DOMO_ACCESS_TOKEN, DOMO_TOKEN. Throws ConfigError (which never contains the token).
 */
export function resolveClientConfig(options: ClientOptions = {}): ResolvedClientConfig {
  const env = options.env ?? process.env;
  const explicitBase = nonEmpty(options.baseUrl);
  const explicitInstance = nonEmpty(options.instance);
  let raw: string | undefined;
  if (explicitBase) raw = explicitBase;
  else if (explicitInstance) raw = instanceToUrl(explicitInstance);
  else if (nonEmpty(env.DOMO_BASE_URL)) raw = nonEmpty(env.DOMO_BASE_URL);
  else if (nonEmpty(env.DOMO_INSTANCE)) raw = instanceToUrl(nonEmpty(env.DOMO_INSTANCE) as string);
  if (!raw) {
    throw new ConfigError('No Domo instance configured: set DOMO_INSTANCE (→ https://{instance}.domo.com) or DOMO_BASE_URL, or pass baseUrl/instance');
  }
  const baseUrl = normalizeBaseUrl(raw);
  let token = nonEmpty(options.token);
  if (!token) for (const name of TOKEN_ENV_VARS) if (!token) token = nonEmpty(env[name]);
  if (!token) {
    throw new ConfigError(`No Domo developer token: set ${TOKEN_ENV_VARS.join(', ')} (first found wins) or pass token`);
  }
  if (/[\r\n\0]/.test(token)) throw new ConfigError('The Domo developer token contains a line break or NUL character');
  return { baseUrl, token };
}

/** Defaults merged once in the constructor (octokit-style: one defaults object). */
export const DEFAULTS = {
  /** Requests in flight at most (adaptive below it by default), and connections in the pool. */
  concurrency: 64,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 120_000,
  /** Total deadline of one attempt, headers and body (a split part of 32 MiB needs ~110 KiB/s to make it). */
  requestTimeoutMs: 300_000,
  // Short, like undici's default: a socket the server already closed would fail a non-retryable create.
  keepAliveTimeoutMs: 4_000,
  splitUploadThreshold: 256 * 1024 * 1024,
  splitPartSize: 32 * 1024 * 1024,
  retry: { attempts: 5, baseDelayMs: 250, maxDelayMs: 30_000, maxRateLimitWaitMs: 600_000 } satisfies RetryOptions,
};
