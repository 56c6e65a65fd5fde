import { runCli } from './helpers';

/** Every bad command line must give exactly one stderr line, naming what was wrong, and exit 1. */
async function expectOneLineError(argv: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(argv);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^domo-filesets: error: /);
  expect(lines[0]).toMatch(pattern);
}

describe('argument validation (in-process)', () => {
  it.each([
    [['plan', '-f', 'm.yaml', '--format', 'xml'], /'--format <format>' argument 'xml' is invalid.*text, json, markdown/],
    [['apply', '-f', 'm.yaml', '--concurrency', '0'], /'--concurrency <n>' argument '0' is invalid\. must be an integer from 1 to 256/],
    [['apply', '-f', 'm.yaml', '--concurrency', 'lots'], /--concurrency/],
    [['apply', '-f', 'm.yaml', '--concurrency', '257'], /'--concurrency <n>' argument '257' is invalid. must be an integer from 1 to 256/],
    [['apply', '-f', 'm.yaml', '--max-deletes', '-1'], /--max-deletes/],
    [
      ['plan', '-f', 'm.yaml', '--request-timeout', 'soon'],
      /'--request-timeout <duration>' argument 'soon' is invalid\. must be a duration above 0 like 30s, 5m or 1h/,
    ],
    [['apply', '-f', 'm.yaml', '--request-timeout', '0s'], /'--request-timeout <duration>' argument '0s' is invalid/],
    [['plan'], /required option '-f, --file <manifest>' not specified/],
    [['plan', '-f', 'm.yaml', '--bogus'], /unknown option '--bogus'/],
    [['plna'], /unknown command 'plna'.*Did you mean plan\?/],
    [['emulator', '--port', '70000'], /'--port <port>'.*0 to 65535/],
    [['emulator', '--fault-rate', '2'], /--fault-rate/],
    [['emulator', '--fault-rate', '0.1', '--faults', '500,teapot'], /unknown fault 'teapot'/],
    [['emulator', '--faults', '500'], /--faults needs --fault-rate/],
    [['query', 'fs-id'], /missing required argument 'text'/],
    [['files', 'get', 'fs-id'], /missing FILE_ID \(or --path PATH\)/],
    [['files', 'get', 'fs-id', 'file-id', '--path', 'a.md'], /either FILE_ID or --path, not both/],
    [['filesets', 'create'], /--name <name>/],
    [['filesets', 'create', '--name', 'x', '--ai-enabled', 'perhaps'], /--ai-enabled.*true or false/],
    [['destroy', '-f', 'm.yaml'], /re-run with --yes/],
  ])('%j', async (argv, pattern) => {
    await expectOneLineError(argv, pattern);
  });

  it('prints help on stdout with exit 0, at the top and for subcommands', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: domo-filesets');
    for (const name of ['emulator', 'plan', 'apply', 'destroy', 'filesets', 'files', 'query']) expect(top.stdout).toContain(name);
    expect(top.stdout).toContain('DOMO_DEVELOPER_TOKEN');
    const plan = await runCli(['plan', '--help']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('--detailed-exitcode');
    const upload = await runCli(['files', 'upload', '--help']);
    expect(upload.stdout).toContain('<local-file>');
  });

  it('prints the package version everywhere', async () => {
    const { version } = require('../../package.json') as { version: string };
    for (const argv of [['--version'], ['-V'], ['apply', '--version'], ['files', 'list', '--version']]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });

  it('names the missing credential variable and never prints the token', async () => {
    const noBase = await runCli(['filesets', 'list'], { DOMO_DEVELOPER_TOKEN: 'secret-token-value' });
    expect(noBase.code).toBe(1);
    expect(noBase.stderr).toMatch(/^domo-filesets: error: .*DOMO_INSTANCE.*DOMO_BASE_URL/);
    const noToken = await runCli(['filesets', 'list'], { DOMO_BASE_URL: 'http://127.0.0.1:9' });
    expect(noToken.stderr).toMatch(/^domo-filesets: error: .*DOMO_DEVELOPER_TOKEN/);
    expect(noToken.stderr.trimEnd().split('\n')).toHaveLength(1);
    const http = await runCli(['filesets', 'list'], { DOMO_BASE_URL: 'http://example.com', DOMO_TOKEN: 'secret-token-value' });
    expect(http.code).toBe(1);
    expect(http.stderr).toMatch(/plain http/);
    expect(http.stderr + noBase.stderr).not.toContain('secret-token-value');
  });
});

describe('secrets and stacks', () => {
  it('prints a stack only with DEBUG=domo-filesets, and scrubs the token from it', async () => {
    const token = 'debug-canary-token-9876';
    // An invalid instance name is echoed in the error: a token pasted there must still not be printed.
    const env = { DOMO_INSTANCE: `not an instance ${token}`, DOMO_TOKEN: token };
    const plain = await runCli(['filesets', 'list'], env);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await runCli(['filesets', 'list'], { ...env, DEBUG: 'domo-filesets' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
    expect(plain.stderr + debug.stderr).not.toContain(token);
    expect(debug.stderr).toContain('***');
  });
});
