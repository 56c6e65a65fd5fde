import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, assertBuilt, cleanEnv, runCli } from '../support/harness';

beforeAll(assertBuilt);

describe('dist/cli/bin.js', () => {
  it('is a node script with a shebang that prints the package version', async () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it("loads command code lazily: --help requires no client, loader or emulator code (the client's list of variable names aside)", () => {
    const script = `
      const { main } = require(${JSON.stringify(join(ROOT, 'dist', 'cli', 'main.js'))});
      main(['--help']).then((code) => {
        const loaded = Object.keys(require.cache).filter((k) => /dist[\\\\/](client|loader|emulator|provider)[\\\\/]/.test(k) && !/env-names\\.js$/.test(k));
        process.stderr.write(JSON.stringify({ code, loaded }));
      });`;
    const r = spawnSync(process.execPath, ['-e', script], { env: cleanEnv(), encoding: 'utf8' });
    const result = JSON.parse(r.stderr) as { code: number; loaded: string[] };
    expect(result).toEqual({ code: 0, loaded: [] });
    expect(r.stdout).toContain('Usage: domo-filesets');
  });

  it('unknown commands and flags: one line, exit 1, as a real process', async () => {
    const cmd = await runCli(['sync']);
    expect(cmd.code).toBe(1);
    expect(cmd.stderr).toBe("domo-filesets: error: unknown command 'sync'\n");
    const flag = await runCli(['apply', '-f', 'x.yaml', '--froce']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/^domo-filesets: error: unknown option '--froce'[^\n]*\n$/);
    const fmt = await runCli(['plan', '-f', 'x.yaml', '--format', 'xml']);
    expect(fmt.code).toBe(1);
    expect(fmt.stderr).toMatch(/^domo-filesets: error: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, markdown\.\n$/);
  });
});
