/** The one mapper from handler Results (and errors) to HTTP responses; it also counts bytesOut. */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Result } from './context';
import { ApiError, errorBody } from './errors';
import type { Recorder } from './stats';

/** Writes a Result. Stream errors after the headers are sent can only end the connection. */
export async function writeResult(res: ServerResponse, result: Result, recorder: Recorder | null): Promise<void> {
  if (result.type === 'json') {
    const body = Buffer.from(JSON.stringify(result.body));
    res.writeHead(result.status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': body.length, ...result.headers });
    res.end(body);
    recorder?.bytesOut(body.length);
    return;
  }
  if (result.type === 'redirect') {
    res.writeHead(302, { location: result.location, 'content-length': 0 });
    res.end();
    return;
  }
  res.writeHead(result.status, result.headers);
  result.body.on('data', (c: Buffer) => recorder?.bytesOut(c.length));
  try {
    await pipeline(result.body, res);
  } catch {
    res.destroy();
  }
}

/** Writes Domo's error body for any thrown value (unexpected errors become 500s without a stack). */
export async function writeError(res: ServerResponse, err: unknown, recorder: Recorder | null): Promise<void> {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const api = err instanceof ApiError ? err : new ApiError(500, `Internal error: ${(err as Error)?.message ?? String(err)}`);
  await writeResult(res, { type: 'json', status: api.status, body: errorBody(api.status, api.message), headers: api.headers }, recorder);
}
