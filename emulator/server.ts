/** startEmulator: a Domo Files API emulator on node:http, as a small server class. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { App } from './app';
import type { Ctx, Result } from './context';
import { errors } from './errors';
import { FaultPlan, faultFromHeader, validateFaults } from './faults';
import { dispatch } from './handlers';
import { type Readings, resolveReadings } from './readings';
import { Responder } from './respond';
import { matchRoute, type Route } from './router';
import { Recorder } from './stats';
import { DiskStore } from './store/disk';
import { MemoryStore } from './store/memory';
import { Latency, RateLimiter, validateThrottle } from './throttle';
import type { EmulatorHandle, EmulatorOptions, FaultKind } from './types';
import { NOBODY, Users, validateUsers } from './users';

const TOKEN_HEADER = 'x-domo-developer-token';
const DEFAULT_INDEX_DELAY_MS = 50;

/** Checks every option before anything starts; returns the readings the options resolve to. */
function validate(opts: EmulatorOptions): Readings {
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535))
    throw new Error(`port must be 0..65535, got ${opts.port}`);
  if (opts.token !== undefined && opts.token === '') throw new Error('token must not be empty (omit it to accept any token)');
  if (opts.slowMs !== undefined && !(opts.slowMs >= 0)) throw new Error(`slowMs must be >= 0, got ${opts.slowMs}`);
  if (opts.retryAfterSeconds !== undefined && !(Number.isInteger(opts.retryAfterSeconds) && opts.retryAfterSeconds >= 0)) {
    throw new Error(`retryAfterSeconds must be a non-negative integer, got ${opts.retryAfterSeconds}`);
  }
  if (opts.indexDelayMs !== undefined && !(Number.isFinite(opts.indexDelayMs) && opts.indexDelayMs >= 0))
    throw new Error(`indexDelayMs must be a number >= 0, got ${opts.indexDelayMs}`);
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  validateFaults(opts.faults);
  validateThrottle(opts.latencyMs, opts.latencyJitterMs, opts.rateLimit);
  validateUsers(opts.users);
  return resolveReadings(opts.profile, opts.readings);
}

/** Resolves once the request body has been read to its end (or the request is gone), counting its bytes. */
function drain(req: IncomingMessage, recorder: Recorder): Promise<void> {
  return new Promise((resolve) => {
    if (req.complete || req.destroyed) return resolve();
    req.on('data', (c: Buffer) => recorder.bytesIn(c.length));
    req.once('end', () => resolve());
    req.once('close', () => resolve());
    req.once('error', () => resolve());
    req.resume();
  });
}

/**
 * The `reset` fault: the connection drops after part of the body was read and before anything is stored
 * (requests without a body drop at once).
 */
function resetMidRequest(req: IncomingMessage): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
    req.socket.destroy();
    return;
  }
  req.once('data', () => req.socket.destroy());
  req.once('end', () => req.socket.destroy());
}

/** One running emulator: the HTTP server, its state, and the conditions (faults, latency, limits) it imitates. */
class EmulatorServer {
  private readonly recorder: Recorder;
  private readonly responder: Responder;
  private readonly plan: FaultPlan;
  private readonly latency: Latency;
  private readonly limiter: RateLimiter | null;
  private readonly users: Users;
  private readonly http: Server;
  private readonly sockets = new Set<Socket>();
  private readonly sleepers = new Set<() => void>();
  private closing = false;
  /** host:port as this server is addressed when a request carries no Host header. */
  private authority = '';

  private constructor(
    private readonly opts: EmulatorOptions,
    private readonly app: App,
  ) {
    this.recorder = new Recorder(opts.maxRequestLog ?? 10000);
    this.responder = new Responder(this.recorder, app.readings.forbiddenBody);
    this.plan = new FaultPlan(opts.faults);
    this.latency = new Latency(opts.latencyMs ?? 0, opts.latencyJitterMs ?? 0, opts.seed ?? opts.faults?.seed ?? Date.now() >>> 0);
    this.limiter = opts.rateLimit ? new RateLimiter(opts.rateLimit) : null;
    this.users = new Users(opts.users, opts.token);
    this.http = createServer({ keepAlive: true }, (req, res) => {
      this.onRequest(req, res).catch(() => res.destroy());
    });
    // Long uploads must not be cut by Node's default request timeout; idle keep-alive sockets may linger.
    this.http.requestTimeout = 0;
    this.http.keepAliveTimeout = 30_000;
    this.http.headersTimeout = 60_000;
    this.http.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Opens the store, resumes unfinished indexing and listens. */
  static async start(opts: EmulatorOptions): Promise<EmulatorServer> {
    const readings = validate(opts);
    const store = opts.dataDir ? new DiskStore(opts.dataDir) : new MemoryStore();
    await store.open();
    const app = new App(store, readings, opts.overwrite ?? true, opts.indexDelayMs ?? DEFAULT_INDEX_DELAY_MS);
    app.indexer.resume();
    const server = new EmulatorServer(opts, app);
    await server.listen(opts.host ?? '127.0.0.1', opts.port ?? 0);
    return server;
  }

  /** The public handle. */
  handle(): EmulatorHandle {
    return {
      url: `http://${this.authority}`,
      port: (this.http.address() as AddressInfo).port,
      close: () => this.close(),
      stats: () => this.recorder.stats(),
      reset: () => this.reset(),
      requestLog: () => this.recorder.entries(),
    };
  }

  private async listen(bindHost: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, bindHost, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const urlHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
    this.authority = `${urlHost}:${(this.http.address() as AddressInfo).port}`;
  }

  private async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const wake of [...this.sleepers]) wake();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
    this.app.indexer.stop();
    await this.app.store.close();
  }

  private async reset(): Promise<void> {
    await this.app.clear();
    this.recorder.clear();
    this.plan.restart();
    this.latency.restart();
    this.limiter?.clear();
  }

  /** Sleeps, cut short when the emulator closes. */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname.startsWith('/_emulator/')) return this.admin(req, res, url.pathname);
    const route = matchRoute(req.method ?? 'GET', url.pathname);
    if (route === null || route === 'method') return this.unrouted(req, res, url.pathname, route);
    return this.api(req, res, url, route);
  }

  /** The emulator's own routes: never delayed, limited or faulted, and they need no token. */
  private async admin(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const m = req.method ?? 'GET';
    const ok = (body: unknown): Promise<void> => this.responder.result(res, { type: 'json', status: 200, body }, false);
    if (m === 'GET' && pathname === '/_emulator/stats') return ok(this.recorder.stats());
    if (m === 'GET' && pathname === '/_emulator/log') return ok({ entries: this.recorder.entries() });
    if (m === 'POST' && pathname === '/_emulator/reset') {
      await this.reset();
      return ok({ status: 'success', message: 'Emulator reset.' });
    }
    return this.responder.error(res, errors.notFound(`No emulator route ${m} ${pathname}`), false);
  }

  /** A path no route serves: 405 for a known path, 501 under /api/ (an operation not emulated), else 404. */
  private async unrouted(req: IncomingMessage, res: ServerResponse, pathname: string, route: 'method' | null): Promise<void> {
    this.recorder.request('unknown');
    const answered = this.recorder.enter();
    const err =
      route === 'method'
        ? errors.methodNotAllowed(`Method ${req.method} not supported on ${pathname}`)
        : pathname.startsWith('/api/')
          ? errors.notImplemented(`${req.method} ${pathname} is not implemented by the emulator`)
          : errors.notFound(`No route ${req.method} ${pathname}`);
    try {
      await this.sleep(this.latency.next());
      await this.sleep(this.latency.next());
    } finally {
      answered();
    }
    await this.responder.error(res, err);
  }

  private async api(req: IncomingMessage, res: ServerResponse, url: URL, route: Route): Promise<void> {
    const ctx: Ctx = {
      req,
      res,
      url,
      operationId: route.operationId,
      params: route.params,
      baseUrl: `http://${req.headers.host ?? this.authority}`,
      log: { fileSetId: route.params.fileSetId ?? null, path: null },
      recorder: this.recorder,
      caller: NOBODY,
    };
    this.recorder.request(route.operationId);
    const answered = this.recorder.enter();
    let fault: FaultKind | null = null;
    // Log once both the response is over and the handler has returned, so a request whose client went
    // away mid-handler is logged with the path the handler saw and status 0 (no response was delivered).
    let closed = false;
    let handlerDone = false;
    let logged = false;
    const logEntry = (): void => {
      if (logged) return;
      logged = true;
      const status = fault === 'reset' || !res.writableFinished ? 0 : res.statusCode;
      const deleting = route.operationId.startsWith('delete');
      this.recorder.entry({
        operationId: ctx.operationId,
        method: req.method ?? 'GET',
        fileSetId: ctx.log.fileSetId,
        path: ctx.log.path,
        status,
        ...(deleting ? { removed: status >= 200 && status < 300 ? (ctx.log.removed ?? []) : [] } : {}),
      });
    };
    res.on('close', () => {
      closed = true;
      if (handlerDone) logEntry();
    });
    const gone = (): boolean => this.closing || closed;
    try {
      await this.sleep(this.latency.next());
      // The client gave up during the delay: do not act on a request nobody waits for.
      if (gone()) return;
      let answer: (() => Promise<void>) | null;
      try {
        const result = await this.work(req, ctx, route, gone, (f) => (fault = f));
        answer = result && (() => this.responder.result(res, result));
      } catch (e) {
        answer = () => this.responder.error(res, e);
      }
      if (!answer) return;
      await this.sleep(this.latency.next());
      answered();
      if (!gone()) await answer();
    } finally {
      answered();
      handlerDone = true;
      if (closed) logEntry();
    }
  }

  /** The request after its inbound delay: rate limit, faults, authentication, then the handler. null: no answer. */
  private async work(req: IncomingMessage, ctx: Ctx, route: Route, gone: () => boolean, setFault: (f: FaultKind) => void): Promise<Result | null> {
    const tokenHeader = req.headers[TOKEN_HEADER];
    if (this.limiter) {
      const wait = this.limiter.take(String((Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader) ?? ''));
      if (wait !== null) {
        this.recorder.limited();
        // Nothing of the request is acted on; its body is read and discarded so the client can read the answer.
        await drain(req, this.recorder);
        throw errors.tooManyRequests(wait, 'Rate limit exceeded, retry after the time in Retry-After');
      }
    }
    const drawn = this.plan.next();
    const fault = faultFromHeader(req.headers['x-emulator-fault']) ?? drawn;
    if (fault) {
      setFault(fault);
      this.recorder.fault(fault);
      if (fault === 'reset') {
        resetMidRequest(req);
        return null;
      }
      if (fault === '500') throw errors.internal();
      if (fault === '429') throw errors.tooManyRequests(this.opts.retryAfterSeconds ?? 1);
      await this.sleep(this.opts.slowMs ?? 2000);
      // The client gave up during the delay: do not act on a request nobody waits for.
      if (gone()) return null;
    }
    ctx.caller = route.operationId === 'getFileContent' ? NOBODY : this.users.authenticate(tokenHeader);
    return dispatch(this.app, ctx, route);
  }
}

/** Starts the emulator; resolves once it listens. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return (await EmulatorServer.start(opts)).handle();
}
