/** What a handler receives (Ctx) and returns (Result); the mapper in respond.ts writes Results. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { errors } from './errors';
import type { Recorder } from './stats';
import type { Caller } from './users';

/** A handler's answer. */
export type Result =
  | { type: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { type: 'empty'; status: number }
  | { type: 'redirect'; location: string }
  | { type: 'stream'; status: number; headers: Record<string, string | number>; body: Readable };

/** Per-request state. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  operationId: string;
  params: Record<string, string>;
  /** Origin as the client addressed us (for downloadUrl and redirects). */
  baseUrl: string;
  /** Filled in by handlers for the request log (`removed`: deletes only). */
  log: { fileSetId: string | null; path: string | null; removed?: string[] };
  recorder: Recorder;
  /** The user the request acts as. */
  caller: Caller;
}

/** JSON result helper. */
export function json(status: number, body: unknown): Result {
  return { type: 'json', status, body };
}

const MAX_JSON = 10 * 1024 * 1024;

/** Reads the request body as JSON ({} when empty); counts bytesIn. */
export async function readJson(ctx: Ctx): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of ctx.req) {
    const buf = c as Buffer;
    size += buf.length;
    ctx.recorder.bytesIn(buf.length);
    if (size > MAX_JSON) throw errors.badRequest('JSON body too large');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.badRequest('Malformed JSON request body');
  }
}

/** Counts request body bytes as a consumer reads them; call in the same tick as piping req. */
export function countBody(ctx: Ctx): void {
  ctx.req.on('data', (c: Buffer) => ctx.recorder.bytesIn(c.length));
}

/** A query parameter as a positive integer, or the default. */
export function intParam(url: URL, name: string, def: number, min: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return def;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw errors.badRequest(`query parameter ${name} must be an integer >= ${min}, got ${raw}`);
  return Number(raw);
}
