import type { Command } from 'commander';
import { emulatorOptions, type EmulatorFlags } from '../../cli/commands/emulator';
import { buildProgram } from '../../cli/program';
import { fakeIo, runCli } from './helpers';

const base: EmulatorFlags = { host: '127.0.0.1', port: 0, overwrite: true };

/** Parses an `emulator` command line with the real flag definitions; returns the flags commander produced. */
async function parseFlags(argv: string[]): Promise<EmulatorFlags> {
  const program = buildProgram({ io: fakeIo(), cwd: '/work' }, () => undefined);
  const cmd = program.commands.find((c: Command) => c.name() === 'emulator')!;
  let flags: EmulatorFlags | undefined;
  cmd.action((opts: EmulatorFlags) => {
    flags = opts;
  });
  await program.parseAsync(['emulator', ...argv], { from: 'user' });
  return flags!;
}

describe('emulator flags → EmulatorOptions', () => {
  it('maps every flag, resolving --data-dir against the working directory', () => {
    expect(
      emulatorOptions(
        { ...base, token: 't0ken', dataDir: 'data', overwrite: false, faultRate: 0.1, faults: ['500', 'reset'], faultSeed: 7, slowMs: 10, retryAfter: 2 },
        '/work',
      ),
    ).toEqual({
      host: '127.0.0.1',
      port: 0,
      overwrite: false,
      token: 't0ken',
      dataDir: '/work/data',
      faults: { rate: 0.1, kinds: ['500', 'reset'], seed: 7 },
      slowMs: 10,
      retryAfterSeconds: 2,
    });
  });

  it('omits faults without a rate, and defaults the kinds to all four', () => {
    expect(emulatorOptions(base, '/')).toEqual({ host: '127.0.0.1', port: 0, overwrite: true });
    expect(emulatorOptions({ ...base, faultRate: 0.5 }, '/').faults).toEqual({ rate: 0.5, kinds: ['500', '429', 'reset', 'slow'] });
  });

  it('refuses flags that would silently do nothing', () => {
    expect(() => emulatorOptions({ ...base, faults: ['500'] }, '/')).toThrow('--faults needs --fault-rate');
    expect(() => emulatorOptions({ ...base, faultSeed: 1 }, '/')).toThrow('--fault-seed needs --fault-rate');
    expect(() => emulatorOptions({ ...base, faultSeed: 1, latencyMs: { ms: 20, jitterMs: 0 } }, '/')).toThrow('--fault-seed needs --fault-rate');
    expect(() => emulatorOptions({ ...base, burst: 5 }, '/')).toThrow('--burst needs --rate-limit');
  });

  it('parses the profile, every reading switch, latency, rate limit, users and index delay from a real command line', async () => {
    const flags = await parseFlags([
      '--profile',
      'spec',
      '--upload-field',
      'both',
      '--delete-status',
      '200',
      '--max-limit',
      'none',
      '--no-implicit-dirs',
      '--missing-status',
      '403',
      '--honour-content-type',
      '--no-cascade-delete',
      '--no-hashes',
      '--latency-ms',
      '20:5',
      '--fault-seed',
      '9',
      '--rate-limit',
      '50',
      '--burst',
      '20',
      '--user',
      'reader=2',
      '--user',
      'b64tok===3:7,8',
      '--index-delay-ms',
      '0',
    ]);
    expect(emulatorOptions(flags, '/work')).toEqual({
      host: '127.0.0.1',
      port: 0,
      overwrite: true,
      profile: 'spec',
      readings: {
        uploadField: 'both',
        deleteStatus: 200,
        maxLimit: null,
        implicitDirs: false,
        missingStatus: 403,
        honourContentType: true,
        cascadeDelete: false,
        hashes: false,
      },
      latencyMs: 20,
      latencyJitterMs: 5,
      seed: 9,
      rateLimit: { rate: 50, burst: 20 },
      users: [
        { token: 'reader', userId: 2, groups: [] },
        { token: 'b64tok==', userId: 3, groups: [7, 8] },
      ],
      indexDelayMs: 0,
    });
  });

  it('leaves every switch to the profile unless given, either way round', async () => {
    expect(emulatorOptions(await parseFlags([]), '/')).toEqual({ host: '127.0.0.1', port: 0, overwrite: true });
    expect(emulatorOptions(await parseFlags(['--implicit-dirs', '--hashes', '--cascade-delete', '--honour-content-type']), '/').readings).toEqual({
      implicitDirs: true,
      hashes: true,
      cascadeDelete: true,
      honourContentType: true,
    });
    expect(emulatorOptions(await parseFlags(['--max-limit', '100', '--delete-status', '204', '--upload-field', 'directoryPath']), '/').readings).toEqual({
      maxLimit: 100,
      deleteStatus: 204,
      uploadField: 'directoryPath',
    });
  });

  it('takes a latency without jitter, and a burst of one second’s worth when only --rate-limit is given', async () => {
    const opts = emulatorOptions(await parseFlags(['--latency-ms', '40', '--rate-limit', '2.5']), '/');
    expect(opts).toMatchObject({ latencyMs: 40, rateLimit: { rate: 2.5, burst: 3 } });
    expect(opts).not.toHaveProperty('latencyJitterMs');
    expect(opts).not.toHaveProperty('seed');
  });
});

describe('bad emulator flags: one line naming the flag, exit 1, no token quoted', () => {
  it.each([
    [['--profile', 'draft'], /'--profile <profile>' argument 'draft' is invalid.*seed, spec/],
    [['--upload-field', 'file'], /'--upload-field <field>'.*createFileRequest, directoryPath, both/],
    [['--delete-status', '201'], /'--delete-status <status>'.*must be 200 or 204/],
    [['--missing-status', '500'], /'--missing-status <status>'.*must be 404 or 403/],
    [['--max-limit', '0'], /'--max-limit <n>'.*integer >= 1, or none/],
    [['--latency-ms', 'slow'], /'--latency-ms <n\[:jitter\]>'.*N or N:JITTER/],
    [['--latency-ms', '20:'], /--latency-ms/],
    [['--rate-limit', '0'], /'--rate-limit <r>'.*above 0/],
    [['--rate-limit', '5', '--burst', '0'], /'--burst <b>'.*integer >= 1/],
    [['--burst', '5'], /--burst needs --rate-limit/],
    [['--index-delay-ms', '-1'], /--index-delay-ms/],
    [['--fault-seed', '3'], /--fault-seed needs --fault-rate, or a jitter/],
    [['--user', 'S3cretTokenValue=abc'], /--user #1: expected TOKEN=USER_ID/],
    [['--user', 'S3cretTokenValue=2', '--user', 'S3cretTokenValue=3'], /--user #2: this token is already given/],
    [['--user', 'S3cretTokenValue'], /--user #1/],
  ])('%j', async (argv, pattern) => {
    const r = await runCli(['emulator', ...argv]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(r.stderr).not.toContain('S3cretTokenValue');
  });
});
