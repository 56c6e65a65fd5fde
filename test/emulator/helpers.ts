/** Test helpers: a started emulator and thin fetch wrappers (plain fetch, no client library). */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON that the tests assert on field by field */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorHandle, EmulatorOptions } from '../../emulator';
import { startTestEmulator } from '../support/harness';
import { waitFor } from '../support/wait';

export { waitFor };

export const TOKEN = 'test-token';
export const API = '/api/files/v1';

/** A fresh temporary directory. */
export function tempDir(prefix = 'emu-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A started emulator with a request helper bound to it. */
export interface Emu {
  e: EmulatorHandle;
  url: string;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  createFileSet(name?: string, extra?: Record<string, unknown>): Promise<any>;
  upload(
    fileSetId: string,
    directoryPath: string,
    name: string,
    content: string | Uint8Array,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  listAll(fileSetId: string, query?: string, body?: unknown): Promise<any[]>;
  /** Waits until no file of the FileSet is waiting for or in indexing; returns GET /stats. */
  indexed(fileSetId: string): Promise<any>;
  close(): Promise<void>;
}

/**
 * Starts an emulator (token required) and returns helpers. The emulator's own suites assert the wire shapes of
 * one reading, so they pin the `seed` profile unless a test asks for another.
 */
export async function startEmu(opts: EmulatorOptions = {}): Promise<Emu> {
  const e = await startTestEmulator({ profile: 'seed', token: TOKEN, ...opts });
  const req: Emu['req'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { 'X-DOMO-Developer-Token': TOKEN, ...headers }, redirect: 'manual' };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(e.url + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const emu: Emu = {
    e,
    url: e.url,
    req,
    async createFileSet(name = 'fs', extra = {}) {
      const r = await req('POST', `${API}/filesets`, { name, ...extra });
      if (r.status !== 201) throw new Error(`create failed ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async upload(fileSetId, directoryPath, name, content, headers = {}) {
      const fd = new FormData();
      fd.append('file', new Blob([content]), name);
      fd.append('createFileRequest', JSON.stringify({ directoryPath }));
      const r = await req('POST', `${API}/filesets/${fileSetId}/files`, fd, headers);
      return { status: r.status, body: r.body };
    },
    async listAll(fileSetId, query = '', body = {}) {
      const out: any[] = [];
      let sent: string | null = null;
      for (let guard = 0; guard < 10000; guard++) {
        const q = `${query}${sent ? `&next=${encodeURIComponent(sent)}` : ''}`;
        const r = await req('POST', `${API}/filesets/${fileSetId}/files/search?${q}`, body);
        if (r.status !== 200) throw new Error(`list failed ${r.status} ${JSON.stringify(r.body)}`);
        out.push(...r.body.files);
        const next: string | null = r.body.pageContext.next;
        if (next === null || next === sent) return out;
        sent = next;
      }
      throw new Error('listing did not terminate');
    },
    async indexed(fileSetId) {
      return waitFor(async () => {
        const s = (await req('GET', `${API}/filesets/${fileSetId}/stats`)).body;
        return s.indexQueuedCount === 0 && s.indexInProgressCount === 0 ? s : null;
      }, `indexing of ${fileSetId}`);
    },
    close: () => e.close(),
  };
  return emu;
}
