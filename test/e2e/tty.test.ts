import { spawn, spawnSync } from 'node:child_process';
import { BIN, TOKEN, cleanEnv, runCli, useCliWorkspace, type CliWorkspace } from '../support/harness';

/**
 * On a terminal the CLI draws a progress bar (files and bytes) on stderr and colours its report; NO_COLOR
 * turns colour off. util-linux `script` gives the child a pseudo-terminal, as an interactive shell would.
 */
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const describeTty = hasScript ? describe : describe.skip;
if (!hasScript) console.warn('[e2e] util-linux `script` is not installed: the terminal tests are skipped');

const fx = useCliWorkspace({
  label: 'tty',
  setup: async (fx: CliWorkspace) => {
    for (let i = 0; i < 12; i += 1) await fx.ws.write(`src/f${i}.txt`, `file ${i}\n`.repeat(200));
    await fx.ws.manifest('version: 1\nfilesets:\n  - name: tty\n    source: ./src\n');
  },
});

/** Runs the CLI under a pseudo-terminal; returns everything the terminal showed and the exit code. */
function onTerminal(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; screen: string }> {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: fx.ws.dir, env: cleanEnv({ ...fx.be.env, ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen: Buffer.concat(out).toString('utf8') }));
  });
}

// eslint-disable-next-line no-control-regex
const COLOUR = /\x1b\[(?:3\d|1|2)m/;

describeTty('on a terminal', () => {
  it('draws a progress bar with files and bytes, and colours the report', async () => {
    const r = await onTerminal(['apply', '-f', 'manifest.yaml']);
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/uploading \[[=-]+\] 12\/12 files \| [\d.]+ KiB\/[\d.]+ KiB/);
    expect(r.screen).toMatch(COLOUR);
    expect(r.screen).not.toContain(TOKEN);
  });

  it('uses no colour with NO_COLOR', async () => {
    const r = await onTerminal(['apply', '-f', 'manifest.yaml'], { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.screen).toContain('FileSet tty');
    expect(r.screen).not.toMatch(COLOUR);
  });
});

describe('not on a terminal (CI logs)', () => {
  it('prints quiet progress lines on stderr and no bar, no colour', async () => {
    const r = await runCli(['apply', '-f', 'manifest.yaml'], { env: fx.be.env, cwd: fx.ws.dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('domo-filesets: uploading 12 files');
    expect(r.stderr).toContain('domo-filesets: uploading done');
    expect(r.stderr).not.toMatch(/\[[=-]{5,}\]/);
    expect(r.stdout + r.stderr).not.toMatch(COLOUR);
  });
});
