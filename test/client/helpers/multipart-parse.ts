/** Parses a recorded multipart body with a real parser (@fastify/busboy, as servers do), UTF-8 parameters. */
import { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import type { Recorded } from './scripted-server';

/** What a server sees of a multipart request. */
export interface ParsedForm {
  fields: Record<string, string>;
  files: { field: string; filename: string; mimeType: string; data: Buffer }[];
}

/** Parses `req` as multipart/form-data. */
export function parseForm(req: Recorded): Promise<ParsedForm> {
  return new Promise((resolve, reject) => {
    const out: ParsedForm = { fields: {}, files: [] };
    const bb = new Busboy({ headers: { 'content-type': String(req.headers['content-type']) } });
    bb.on('field', (name: string, value: string) => {
      out.fields[name] = value;
    });
    bb.on('file', (field: string, stream: Readable, filename: string, _enc: string, mimeType: string) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => out.files.push({ field, filename, mimeType, data: Buffer.concat(chunks) }));
    });
    bb.on('finish', () => resolve(out));
    bb.on('error', reject);
    Readable.from([req.body]).pipe(bb);
  });
}
