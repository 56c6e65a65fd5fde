/**
 * The two request shapes every operation uses — a JSON request and a multipart upload — over the transport,
 * each naming its operation, how safe it is to repeat, and the shape its answer must have.
 */
import { buildMultipart, type FormPart } from './multipart';
import type { BodyRule } from './shapes';
import type { CallMeta, Query, Transport } from './transport';

/** Options of one JSON request. */
export interface CallInit {
  query?: Query;
  json?: unknown;
  signal?: AbortSignal;
}

/** JSON and multipart requests of one client. */
export class Requester {
  constructor(readonly transport: Transport) {}

  /** A JSON request; `shape` checks and converts the parsed answer (see shapes.ts). */
  call<T>(meta: CallMeta, method: 'GET' | 'POST' | 'DELETE', path: string, rule: BodyRule, shape: (body: unknown) => T, init: CallInit = {}): Promise<T> {
    const body = init.json === undefined ? undefined : JSON.stringify(init.json);
    return this.transport.json(
      {
        method,
        path,
        query: init.query,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : () => body,
        signal: init.signal,
      },
      meta,
      rule,
      shape,
    );
  }

  /**
   * A multipart/form-data POST. A body with a caller's stream is sent once whatever `meta` says (a retry
   * would send a consumed stream).
   */
  multipart<T>(meta: CallMeta, path: string, parts: FormPart[], rule: BodyRule, shape: (body: unknown) => T, signal?: AbortSignal): Promise<T> {
    const mp = buildMultipart(parts);
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': mp.contentType };
    if (mp.contentLength !== undefined) headers['content-length'] = String(mp.contentLength);
    const whole = mp.toBuffer();
    return this.transport.json(
      { method: 'POST', path, headers, body: whole ? () => whole : () => mp.render(), signal },
      mp.replayable ? meta : { ...meta, idempotency: 'never' },
      rule,
      shape,
    );
  }
}
