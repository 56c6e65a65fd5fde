/**
 * A fault-injecting HTTP proxy for end-to-end tests: a real server on 127.0.0.1 in front of a target URL
 * (usually the emulator) that forwards requests unchanged, except where a rule (or a request header) says to
 * answer with a fault a misbehaving network or server produces:
 *
 * - `html200`: 200 with an HTML page (a captive portal, a proxy's login or error page);
 * - `truncatedJson`: the target's answer cut in half, with a Content-Length that matches the cut body;
 * - `empty200`: 200 with an empty body;
 * - `endlessCursor`: a listing answer whose `pageContext.next` is a new cursor every time (a request that
 *   carries such a cursor is forwarded without it, so the target answers the first page again);
 * - `drip`: the target's answer, one byte every `dripMs` (default 2000 ms);
 * - `status`: `status` (default 400) with Domo's JSON error body, the target never reached (a gateway or the
 *   server refusing one request every time);
 * - `rewrite`: the target's JSON answer passed through `rewrite` (an answer in a shape the target never gives);
 * - `corrupt`: the target's answer with its first byte altered, same length (bytes damaged on the way); a
 *   redirect (a download's 302 to the content) is followed by the proxy, so it is the file's bytes that arrive
 *   damaged.
 *
 * By default html200 and empty200 do not reach the target (the server never saw the request); with
 * `forward: true` the target acts on the request and only its answer is replaced. The request header
 * `x-fault-proxy: <kind>` forces one fault on that request. Every request is logged with the fault applied.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { request, type Dispatcher } from 'undici';

/** The faults the proxy can inject. */
const PROXY_FAULTS = ['html200', 'truncatedJson', 'empty200', 'endlessCursor', 'drip', 'status', 'rewrite', 'corrupt'] as const;

/** One fault kind. */
type ProxyFault = (typeof PROXY_FAULTS)[number];

/** Which requests a rule applies to. */
interface FaultMatch {
  method?: string;
  /** Matched against the request's path and query (e.g. /files\/search/). */
  path?: RegExp;
}

/** A request as a rule's match function sees it: the body is the whole request body (a multipart upload's too). */
interface ProxyRequest {
  method: string;
  url: string;
  body: Buffer;
}

/** A rule: inject `fault` into requests that match, `times` times (default: every time). */
export interface FaultRule {
  fault: ProxyFault;
  match?: FaultMatch | ((req: ProxyRequest) => boolean);
  times?: number;
  /** Let the target act on the request; only the answer is replaced (html200, empty200). */
  forward?: boolean;
  /** drip: milliseconds between two bytes (default 2000). */
  dripMs?: number;
  /** status: the status to answer (default 400). */
  status?: number;
  /** status: the JSON body to answer with (default Domo's error body for `status`). */
  body?: unknown;
  /** rewrite: the new JSON answer, from the target's parsed one (an answer that is not JSON passes unchanged). */
  rewrite?: (json: unknown, req: ProxyRequest) => unknown;
}

/** One request as the proxy handled it. */
interface ProxyLogEntry {
  method: string;
  url: string;
  fault: ProxyFault | null;
  /** Whether the target received the request. */
  forwarded: boolean;
  status: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** Base URL to give the client instead of the target's. */
  url: string;
  log: ProxyLogEntry[];
  /** Adds a rule (evaluated in the order added); returns a function that removes it. */
  addRule(rule: FaultRule): () => void;
  /** Injects `fault` into the next request that matches. */
  once(fault: ProxyFault, match?: FaultRule['match'], extra?: Omit<FaultRule, 'fault' | 'match' | 'times'>): void;
  clearRules(): void;
  close(): Promise<void>;
}

const HTML = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login">Please sign in to continue.</form></body></html>';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function matches(rule: FaultRule, req: ProxyRequest): boolean {
  if (!rule.match) return true;
  if (typeof rule.match === 'function') return rule.match(req);
  if (rule.match.method && rule.match.method.toUpperCase() !== req.method) return false;
  if (rule.match.path && !rule.match.path.test(req.url)) return false;
  return true;
}

/** The body as JSON, or undefined when it is not JSON. */
function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** An upstream answer as the proxy passes it on (hop-by-hop headers and the length dropped: send() sets it). */
async function answerOf(res: Dispatcher.ResponseData): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined || ['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)) continue;
    headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return { status: res.statusCode, headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts a proxy on 127.0.0.1 port 0 in front of `target` (an origin such as the emulator's URL). */
export async function startFaultProxy(target: string, rules: FaultRule[] = []): Promise<FaultProxy> {
  const active: (FaultRule & { left: number })[] = rules.map((r) => ({ ...r, left: r.times ?? Infinity }));
  const fakeCursors = new Set<string>();
  const log: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  async function forward(method: string, url: string, headers: IncomingMessage['headers'], body: Buffer): Promise<Answer> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined || ['host', 'connection', 'keep-alive', 'transfer-encoding', 'x-fault-proxy'].includes(k)) continue;
      out[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    if (body.length > 0) out['content-length'] = String(body.length);
    return answerOf(
      await request(new URL(url, target), {
        method: method as 'GET',
        headers: out,
        body: body.length > 0 ? body : undefined,
      }),
    );
  }

  /** Follows redirects of `a` (at most 5, plain GETs: a download's content URL carries its own token). */
  async function followed(a: Answer): Promise<Answer> {
    let out = a;
    for (let hop = 0; hop < 5 && out.status >= 300 && out.status < 400 && out.headers.location; hop++) {
      out = await answerOf(await request(new URL(out.headers.location, target), { method: 'GET' }));
    }
    return out;
  }

  function send(res: ServerResponse, a: Answer): void {
    res.writeHead(a.status, { ...a.headers, 'content-length': String(a.body.length) });
    res.end(a.body);
  }

  function drip(res: ServerResponse, a: Answer, everyMs: number): void {
    res.writeHead(a.status, { ...a.headers, 'content-length': String(a.body.length) });
    let i = 0;
    const step = (): void => {
      if (res.destroyed) return;
      if (i >= a.body.length) {
        res.end();
        return;
      }
      res.write(a.body.subarray(i, i + 1));
      i++;
      const t = setTimeout(() => {
        timers.delete(t);
        step();
      }, everyMs);
      timers.add(t);
    };
    step();
  }

  function withoutFakeCursor(url: string): string {
    const u = new URL(url, 'http://proxy');
    const next = u.searchParams.get('next');
    if (next !== null && fakeCursors.has(next)) u.searchParams.delete('next');
    return u.pathname + u.search;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const body = await readBody(req);
    const forced = req.headers['x-fault-proxy'];
    let rule: FaultRule | undefined;
    if (typeof forced === 'string' && (PROXY_FAULTS as readonly string[]).includes(forced)) {
      rule = { fault: forced as ProxyFault };
    } else {
      const hit = active.find((r) => r.left > 0 && matches(r, { method, url, body }));
      if (hit) {
        hit.left--;
        rule = hit;
      }
    }
    const entry: ProxyLogEntry = { method, url, fault: rule?.fault ?? null, forwarded: false, status: 0 };
    log.push(entry);
    const target = (): Promise<Answer> => {
      entry.forwarded = true;
      return forward(method, withoutFakeCursor(url), req.headers, body);
    };
    let a: Answer;
    switch (rule?.fault) {
      case 'html200':
        if (rule.forward) await target();
        a = { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(HTML) };
        break;
      case 'empty200':
        if (rule.forward) await target();
        a = { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.alloc(0) };
        break;
      case 'truncatedJson': {
        const t = await target();
        a = { ...t, body: t.body.subarray(0, Math.floor(t.body.length / 2)) };
        break;
      }
      case 'endlessCursor': {
        const t = await target();
        const parsed = parseJson(t.body) as { pageContext?: { next?: unknown } } | undefined;
        if (parsed && typeof parsed === 'object') {
          const cursor = randomBytes(12).toString('base64');
          fakeCursors.add(cursor);
          parsed.pageContext = { ...(parsed.pageContext ?? {}), next: cursor };
          a = { ...t, body: Buffer.from(JSON.stringify(parsed)) };
        } else {
          a = t;
        }
        break;
      }
      case 'status': {
        const status = rule.status ?? 400;
        const text = JSON.stringify(rule.body ?? { status, statusReason: 'Bad Request', message: 'The request was refused', toe: 'FAULT-PROXY' });
        a = { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(text) };
        break;
      }
      case 'rewrite': {
        const t = await target();
        const parsed = parseJson(t.body);
        a = parsed === undefined || !rule.rewrite ? t : { ...t, body: Buffer.from(JSON.stringify(rule.rewrite(parsed, { method, url, body }))) };
        break;
      }
      case 'corrupt': {
        const t = await followed(await target());
        const damaged = Buffer.from(t.body);
        if (damaged.length > 0) damaged[0] ^= 0xff;
        a = { ...t, body: damaged };
        break;
      }
      case 'drip': {
        a = await target();
        entry.status = a.status;
        drip(res, a, rule.dripMs ?? 2000);
        return;
      }
      default:
        a = await target();
    }
    entry.status = a.status;
    send(res, a);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: ${String(err)}`);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    addRule(rule) {
      const r = { ...rule, left: rule.times ?? Infinity };
      active.push(r);
      return () => {
        const i = active.indexOf(r);
        if (i >= 0) active.splice(i, 1);
      };
    },
    once(fault, match, extra) {
      active.push({ ...extra, fault, match, left: 1 });
    },
    clearRules() {
      active.splice(0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
