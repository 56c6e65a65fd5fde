/** startEmulator: a Domo Files API emulator on node:http. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { App } from './app';
import type { Ctx } from './context';
import { errors } from './errors';
import { FaultPlan, faultFromHeader, validateFaults } from './faults';
import { HANDLERS } from './handlers';
import { writeError, writeResult } from './respond';
import { matchRoute } from './router';
import { Recorder } from './stats';
import { DiskStore } from './store/disk';
import { MemoryStore } from './store/memory';
import type { Store } from './store/types';
import type { EmulatorHandle, EmulatorOptions, FaultKind } from './types';

const TOKEN_HEADER = 'x-domo-developer-token';

function validate(opts: EmulatorOptions): void {
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) throw new Error(`port must be 0..65535, got ${opts.port}`);
  if (opts.token !== undefined && opts.token === '') throw new Error('token must not be empty (omit it to accept any token)');
  if (opts.slowMs !== undefined && !(opts.slowMs >= 0)) throw new Error(`slowMs must be >= 0, got ${opts.slowMs}`);
  if (opts.retryAfterSeconds !== undefined && !(Number.isInteger(opts.retryAfterSeconds) && opts.retryAfterSeconds >= 0)) {
    throw new Error(`retryAfterSeconds must be a non-negative integer, got ${opts.retryAfterSeconds}`);
  }
  validateFaults(opts.faults);
}

/** Starts the emulator; resolves once it listens. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<EmulatorHandle> {
  validate(opts);
  const store: Store = opts.dataDir ? new DiskStore(opts.dataDir) : new MemoryStore();
  await store.open();
  const app = new App(store, opts.overwrite ?? true);
  const recorder = new Recorder(opts.maxRequestLog ?? 10000);
  const plan = new FaultPlan(opts.faults);
  const slowMs = opts.slowMs ?? 2000;
  const retryAfter = opts.retryAfterSeconds ?? 1;
  const sleepers = new Set<() => void>();
  let closing = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      sleepers.add(done);
    });

  const admin = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    const m = req.method ?? 'GET';
    if (m === 'GET' && pathname === '/_emulator/stats') return writeResult(res, { type: 'json', status: 200, body: recorder.stats() }, null);
    if (m === 'GET' && pathname === '/_emulator/log') return writeResult(res, { type: 'json', status: 200, body: { entries: recorder.entries() } }, null);
    if (m === 'POST' && pathname === '/_emulator/reset') {
      await reset();
      return writeResult(res, { type: 'json', status: 200, body: { status: 'success', message: 'Emulator reset.' } }, null);
    }
    return writeError(res, errors.notFound(`No emulator route ${m} ${pathname}`), null);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname.startsWith('/_emulator/')) return admin(req, res, url.pathname);
    const route = matchRoute(req.method ?? 'GET', url.pathname);
    if (route === null || route === 'method') {
      recorder.request('unknown');
      return writeError(res, route === null ? errors.notFound(`No route ${req.method} ${url.pathname}`) : errors.methodNotAllowed(`Method ${req.method} not supported on ${url.pathname}`), recorder);
    }
    const host = req.headers.host ?? `${hostForUrl}:${port}`;
    const ctx: Ctx = {
      req,
      res,
      url,
      operationId: route.operationId,
      params: route.params,
      baseUrl: `http://${host}`,
      log: { fileSetId: route.params.fileSetId ?? null, path: null },
      recorder,
    };
    recorder.request(route.operationId);
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
      recorder.entry({ operationId: ctx.operationId, method: req.method ?? 'GET', fileSetId: ctx.log.fileSetId, path: ctx.log.path, status });
    };
    res.on('close', () => {
      closed = true;
      if (handlerDone) logEntry();
    });
    try {
      await run();
    } finally {
      handlerDone = true;
      if (closed) logEntry();
    }

    async function run(): Promise<void> {
      try {
        const drawn = plan.next();
        fault = faultFromHeader(req.headers['x-emulator-fault']) ?? drawn;
        if (fault) recorder.fault(fault);
        if (fault === 'reset') return resetMidRequest(req);
        if (fault === '500') throw errors.internal();
        if (fault === '429') throw errors.tooManyRequests(retryAfter);
        if (fault === 'slow') await sleep(slowMs);
        // The client gave up during the delay: do not act on a request nobody waits for.
        if (closing || closed) return;
        if (ctx.operationId !== 'getFileContent') authorize(req);
        const result = await HANDLERS[ctx.operationId](app, ctx);
        await writeResult(res, result, recorder);
      } catch (e) {
        await writeError(res, e, recorder);
      }
    }
  };

  const authorize = (req: IncomingMessage): void => {
    const got = req.headers[TOKEN_HEADER];
    const token = Array.isArray(got) ? got[0] : got;
    if (!token) throw errors.unauthorized('Missing X-DOMO-Developer-Token header');
    if (opts.token !== undefined && token !== opts.token) throw errors.unauthorized('Invalid X-DOMO-Developer-Token');
  };

  const reset = async (): Promise<void> => {
    await app.clear();
    recorder.clear();
    plan.restart();
  };

  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  // Long uploads must not be cut by Node's default request timeout; idle keep-alive sockets may linger.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 60_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${hostForUrl}:${port}`;

  return {
    url,
    port,
    async close() {
      if (closing) return;
      closing = true;
      for (const wake of [...sleepers]) wake();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      await store.close();
    },
    stats: () => recorder.stats(),
    reset,
    requestLog: () => recorder.entries(),
  };
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
