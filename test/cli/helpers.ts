/** In-process harness for the CLI's unit tests: fake streams, and main() run against them. */
import { PassThrough } from 'node:stream';
import { createIo, type Io } from '../../cli/io';
import { main } from '../../cli/main';

/** A captured run. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fake stream that records what is written. */
export function sink(isTTY = false): PassThrough & { isTTY?: boolean; text(): string } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; text(): string };
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  s.isTTY = isTTY;
  s.text = () => Buffer.concat(chunks).toString('utf8');
  return s;
}

/** Io over fake streams. */
export function fakeIo(env: Record<string, string | undefined> = {}, tty = false): Io & { stdout: ReturnType<typeof sink>; stderr: ReturnType<typeof sink> } {
  return createIo({ stdout: sink(tty), stderr: sink(tty), stdinIsTTY: false, env }) as Io & {
    stdout: ReturnType<typeof sink>;
    stderr: ReturnType<typeof sink>;
  };
}

/** Runs main() with argv and returns code and output. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}): Promise<Captured> {
  const io = fakeIo(env);
  const code = await main(argv, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
}
