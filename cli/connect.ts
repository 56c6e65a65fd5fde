/**
 * Where commands get their client: from the environment through the client's own config resolution (so the
 * error names the missing variable), or from an embedded emulator for `--emulator`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DomoFilesClient, resolveClientConfig } from '../client';
import type { Io } from './io';

/** A client plus whatever must be shut down with it. */
export interface Connection {
  client: DomoFilesClient;
  /** Human description of the target for logs ("https://acme.domo.com", "embedded emulator …"). */
  target: string;
  close(): Promise<void>;
}

/**
 * Client options a command's flags may set: `--concurrency` is the client's most requests in flight, and
 * `--no-adaptive` (adaptive false) keeps that many in flight from the start.
 */
export interface ConnectOptions {
  concurrency?: number;
  adaptive?: boolean;
  /** `--request-timeout`: the longest one attempt of a request may take (headers and body). */
  requestTimeoutMs?: number;
}

/** Client from DOMO_* variables; registers the token as a secret before anything can print it. */
export function connectFromEnv(io: Io, opts: ConnectOptions = {}): Connection {
  const { baseUrl, token } = resolveClientConfig({ env: io.env });
  io.secrets.add(token);
  const client = new DomoFilesClient({ baseUrl, token, env: io.env, ...opts });
  return { client, target: baseUrl, close: () => client.close() };
}

/**
 * Starts an emulator in this process, persisted under `<dir>/.domo-filesets/emulator`, with a fresh random
 * token known only to this run; the client talks to it over real HTTP like any Domo instance.
 */
export async function connectEmbedded(io: Io, manifestDir: string, opts: ConnectOptions = {}): Promise<Connection> {
  const { startEmulator }: typeof import('../emulator') = require('../emulator');
  const dataDir = join(manifestDir, '.domo-filesets', 'emulator');
  const token = randomBytes(24).toString('hex');
  io.secrets.add(token);
  const handle = await startEmulator({ host: '127.0.0.1', port: 0, token, dataDir });
  const client = new DomoFilesClient({ baseUrl: handle.url, token, env: {}, ...opts });
  io.log(io.colorErr.dim(`domo-filesets: embedded emulator at ${handle.url} (data in ${dataDir})`));
  return {
    client,
    target: `embedded emulator (${dataDir})`,
    close: async () => {
      try {
        await client.close();
      } finally {
        await handle.close();
      }
    },
  };
}

/** Runs `fn` with a connection and always closes it, even when `fn` throws. */
export async function withConnection<T>(conn: Connection | Promise<Connection>, fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await conn;
  try {
    return await fn(c);
  } finally {
    await c.close().catch(() => undefined);
  }
}
