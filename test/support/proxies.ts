/**
 * Small pass-through proxies on 127.0.0.1 in front of the emulator, each steering a test to a point it could
 * otherwise only reach by timing luck: a fault header on chosen requests, canned answers, a barrier that
 * releases requests together, a gate that holds one request until the test lets it go. (Faults the emulator
 * cannot produce itself — HTML pages, truncated bodies, endless cursors — are in fault-proxy.ts.)
 */
import { createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultKind } from '../../emulator';

/** A running proxy. */
export interface Proxy {
  url: string;
  close(): Promise<void>;
}

/** Chooses requests by method and URL (the body is not read). */
export type RequestPicker = (req: IncomingMessage) => boolean;

/** Forwards `req` to `target` (its body piped, or `body` when already read) and pipes the answer back. */
function pass(target: URL, req: IncomingMessage, res: ServerResponse, extraHeaders: OutgoingHttpHeaders = {}, body?: Buffer): void {
  const up = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, ...extraHeaders } },
    (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    },
  );
  up.on('error', () => res.destroy());
  if (body) up.end(body);
  else req.pipe(up);
}

/** Starts a server with `handler` on 127.0.0.1:0; `beforeClose` runs before its connections are dropped. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, beforeClose: () => void = () => undefined): Promise<Proxy> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        beforeClose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Adds `x-emulator-fault: <kind>` to the requests `pick` chooses, so the emulator fails exactly those (every
 * retry included, when `pick` keeps choosing them). Counts what it faulted.
 */
export async function startHeaderFaultProxy(target: string, kind: FaultKind, pick: RequestPicker): Promise<Proxy & { faulted(): number }> {
  const t = new URL(target);
  let n = 0;
  const proxy = await listen((req, res) => {
    const chosen = pick(req);
    if (chosen) n += 1;
    pass(t, req, res, chosen ? { 'x-emulator-fault': kind } : {});
  });
  return { ...proxy, faulted: () => n };
}

/**
 * Holds requests matching `pick` until `count` of them have arrived, then forwards them all at once: it makes
 * a race (two runs both looking up a FileSet before either creates it) happen every time.
 */
export async function startBarrierProxy(target: string, count: number, pick: RequestPicker): Promise<Proxy> {
  const t = new URL(target);
  const held: (() => void)[] = [];
  let passed = 0;
  return listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (passed < count && pick(req)) {
        held.push(() => pass(t, req, res, {}, body));
        if (held.length >= count) {
          passed = count;
          for (const go of held.splice(0)) go();
        }
        return;
      }
      pass(t, req, res, {}, body);
    });
  });
}

/** A canned answer of a scripted proxy. */
export interface Scripted {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Answers the requests `script` picks itself (a status and a JSON body, like Domo's gateway) and forwards the
 * rest; request bodies it answers are drained, not forwarded. Records what it received (method, URL, the
 * token header) so tests can check what reached it.
 */
export async function startScriptedProxy(
  target: string,
  script: (req: IncomingMessage) => Scripted | null,
): Promise<Proxy & { seen: { method: string; url: string; token: string | undefined }[] }> {
  const t = new URL(target);
  const seen: { method: string; url: string; token: string | undefined }[] = [];
  const proxy = await listen((req, res) => {
    const tok = req.headers['x-domo-developer-token'];
    seen.push({ method: req.method ?? '', url: req.url ?? '', token: Array.isArray(tok) ? tok[0] : tok });
    const canned = script(req);
    if (!canned) return pass(t, req, res);
    req.resume();
    req.on('end', () => {
      const body = canned.body === undefined ? '' : JSON.stringify(canned.body);
      res.writeHead(canned.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(canned.headers ?? {}) });
      res.end(body);
    });
  });
  return { ...proxy, seen };
}

/**
 * Holds the first request `pick` chooses until the test calls release(): the test changes the local tree at a
 * known point of an apply (after the scan and plan, before the uploads), then lets it go on.
 */
export async function startGateProxy(target: string, pick: RequestPicker): Promise<Proxy & { arrived: Promise<void>; release(): void }> {
  const t = new URL(target);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let arrivedResolve!: () => void;
  const arrived = new Promise<void>((r) => (arrivedResolve = r));
  let gated = false;
  const proxy = await listen(
    (req, res) => {
      if (!gated && pick(req)) {
        gated = true;
        req.pause();
        arrivedResolve();
        void released.then(() => pass(t, req, res));
        return;
      }
      pass(t, req, res);
    },
    () => release(),
  );
  return { ...proxy, arrived, release };
}
