import { colorEnabled } from '../../cli/io';
import { debugEnabled } from '../../cli/main';
import { ChangesPending, CliError, GuardRefused, UsageError, exitCodeOf, formatErrorLine, isSilent, scrub } from '../../cli/errors';

describe('error mapping', () => {
  it('maps typed errors to the contract exit codes', () => {
    expect(exitCodeOf(new ChangesPending())).toBe(2);
    expect(exitCodeOf(new GuardRefused('x'))).toBe(3);
    expect(exitCodeOf(new UsageError('x'))).toBe(1);
    expect(exitCodeOf(new CliError('x'))).toBe(1);
    expect(exitCodeOf(new Error('x'))).toBe(1);
    expect(exitCodeOf('string')).toBe(1);
    expect(exitCodeOf(undefined)).toBe(1);
  });

  it('honours a loader-style exitCode and a GuardError by name', () => {
    expect(exitCodeOf(Object.assign(new Error('g'), { exitCode: 3 }))).toBe(3);
    const guard = new Error('g');
    guard.name = 'GuardError';
    expect(exitCodeOf(guard)).toBe(3);
    // A stray exitCode outside the contract never leaks out as a process exit code.
    expect(exitCodeOf(Object.assign(new Error('g'), { exitCode: 42 }))).toBe(1);
  });

  it("treats commander's help and version as success and its errors as 1", () => {
    expect(exitCodeOf({ code: 'commander.helpDisplayed', exitCode: 0 })).toBe(0);
    expect(exitCodeOf({ code: 'commander.version', exitCode: 0 })).toBe(0);
    expect(exitCodeOf({ code: 'commander.unknownOption', exitCode: 1 })).toBe(1);
  });

  it('formats one line, drops commander\'s "error:" prefix, and never prints a stack', () => {
    const e = new Error('first line\n    at foo (bar.js:1:1)\nmore');
    expect(formatErrorLine(e)).toBe('domo-filesets: error: first line');
    expect(formatErrorLine(new Error("error: unknown option '--x'"))).toBe("domo-filesets: error: unknown option '--x'");
    expect(formatErrorLine(new Error(''))).toBe('domo-filesets: error: Error');
    expect(formatErrorLine(42)).toBe('domo-filesets: error: unexpected failure: 42');
  });

  it('scrubs secrets from the line', () => {
    const token = 'tok-1234567890';
    expect(formatErrorLine(new Error(`bad token ${token} rejected ${token}`), [token])).toBe('domo-filesets: error: bad token *** rejected ***');
    expect(scrub('abc', ['ab'])).toBe('abc'); // too short to be a real secret: left alone
  });

  it('only ChangesPending is silent', () => {
    expect(isSilent(new ChangesPending())).toBe(true);
    expect(isSilent(new GuardRefused('x'))).toBe(false);
  });
});

describe('terminal facts', () => {
  it('colour only on a TTY and never with NO_COLOR', () => {
    expect(colorEnabled(true, {})).toBe(true);
    expect(colorEnabled(false, {})).toBe(false);
    expect(colorEnabled(undefined, {})).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: '' })).toBe(true); // no-color.org: only a non-empty value counts
  });

  it('DEBUG=domo-filesets (or a list with it, or *) enables stacks', () => {
    expect(debugEnabled({})).toBe(false);
    expect(debugEnabled({ DEBUG: 'domo-filesets' })).toBe(true);
    expect(debugEnabled({ DEBUG: 'express,domo-filesets' })).toBe(true);
    expect(debugEnabled({ DEBUG: '*' })).toBe(true);
    expect(debugEnabled({ DEBUG: 'domo' })).toBe(false);
  });
});
