/**
 * A scripted loopback HTTP server for client tests: every request is recorded (method, url, headers, full
 * body) and answered by the test's handler, which sees the request number so it can fail the first N.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server saw it. */
export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Handler: answer `res` for request number `n` (1-based). */
export type Script = (req: Recorded, res: ServerResponse, n: number) => void | Promise<void>;

/** A running scripted server. */
export interface ScriptedServer {
  url: string;
  origin: string;
  requests: Recorded[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 port 0 answering with `script`. */
export async function scriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: Recorded[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(rec);
      Promise.resolve(script(rec, res, requests.length)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Domo's standard error body. */
export function domoError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  json(res, status, { status, statusReason: 'Reason', message, toe: 'TOE123' }, headers);
}

/** Drops the connection without any response (a reset as the client sees it). */
export function reset(res: ServerResponse): void {
  res.socket?.destroy();
}
