/**
 * A pass-through HTTP proxy for fault tests: it forwards every request to the emulator and, for requests a
 * predicate picks, adds `x-emulator-fault` so the emulator fails exactly those (including every retry).
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface FaultProxy {
  url: string;
  /** Requests that got a fault header. */
  faulted: number;
  close(): Promise<void>;
}

/** Decides per request whether to inject `fault`. */
export type FaultPicker = (req: IncomingMessage) => boolean;

/** Starts a proxy in front of `target` on 127.0.0.1:0. */
export async function startFaultProxy(target: string, fault: '500' | '429' | 'reset', pick: FaultPicker): Promise<FaultProxy> {
  const t = new URL(target);
  const state = { faulted: 0 };
  const server: Server = createServer((req, res) => {
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: t.host };
    if (pick(req)) {
      state.faulted += 1;
      headers['x-emulator-fault'] = fault;
    }
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get faulted() {
      return state.faulted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
