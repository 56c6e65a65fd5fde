/** The one mapper from handler Results (and errors) to HTTP responses; it also counts bytesOut. */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Result } from './context';
import { ApiError, errorBody } from './errors';
import type { Readings } from './readings';
import type { Recorder } from './stats';

/** Writes Results and errors; `counted: false` (the /_emulator routes) leaves bytesOut alone. */
export class Responder {
  constructor(
    private readonly recorder: Recorder,
    private readonly forbiddenBody: Readings['forbiddenBody'],
  ) {}

  /** Writes a Result. Stream errors after the headers are sent can only end the connection. */
  async result(res: ServerResponse, result: Result, counted = true): Promise<void> {
    const count = (n: number): void => {
      if (counted) this.recorder.bytesOut(n);
    };
    switch (result.type) {
      case 'json': {
        const body = Buffer.from(JSON.stringify(result.body));
        res.writeHead(result.status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': body.length, ...result.headers });
        res.end(body);
        count(body.length);
        return;
      }
      case 'empty':
        res.writeHead(result.status);
        res.end();
        return;
      case 'redirect':
        res.writeHead(302, { location: result.location, 'content-length': 0 });
        res.end();
        return;
      case 'stream':
        res.writeHead(result.status, result.headers);
        result.body.on('data', (c: Buffer) => count(c.length));
        try {
          await pipeline(result.body, res);
        } catch {
          res.destroy();
        }
    }
  }

  /**
   * Writes Domo's error body for any thrown value (unexpected errors become 500s without a stack). A 403
   * is a plain string when the readings say so.
   */
  async error(res: ServerResponse, err: unknown, counted = true): Promise<void> {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const api = err instanceof ApiError ? err : new ApiError(500, `Internal error: ${(err as Error)?.message ?? String(err)}`);
    if (api.status === 403 && this.forbiddenBody === 'text') {
      const body = Buffer.from(api.message);
      res.writeHead(403, { 'content-type': 'text/plain;charset=UTF-8', 'content-length': body.length, ...api.headers });
      res.end(body);
      if (counted) this.recorder.bytesOut(body.length);
      return;
    }
    await this.result(res, { type: 'json', status: api.status, body: errorBody(api.status, api.message), headers: api.headers }, counted);
  }
}
