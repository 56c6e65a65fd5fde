/**
 * The top level: parse, run the one command, print its outcome, and map whatever was thrown to an exit
 * code and ONE stderr line. Stacks only with DEBUG=domo-filesets; secrets scrubbed from everything.
 */
import { TOKEN_ENV_VARS } from '../client/env-names';
import { EXIT, exitCodeOf, formatErrorLine, isSilent, scrub, scrubDeep } from './errors';
import { createIo, neutralizeControls, type Io } from './io';
import type { Outcome } from './outcome';
import { buildProgram } from './program';

const QUIET_COMMANDER_CODES = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help', 'commander.executeSubCommandAsync']);

/** Prints an outcome: secrets scrubbed from the data before it is rendered, controls neutralized on the way out. */
export function printOutcome(io: Io, raw: Outcome): void {
  const outcome = scrubDeep(raw, io.secrets);
  switch (outcome.kind) {
    case 'report': {
      // Loaded only when there is a report to print: --help and --version load no loader code.
      const { renderReport }: typeof import('./render') = require('./render');
      io.out(renderReport(outcome.report, outcome.format, outcome.reportKind, io.color));
      break;
    }
    case 'json':
      io.out(`${JSON.stringify(outcome.value, null, 2)}\n`);
      break;
    case 'text':
      io.out(outcome.text.endsWith('\n') || outcome.text === '' ? outcome.text : `${outcome.text}\n`);
      break;
    default:
      break;
  }
}

/** True when the user asked for stack traces (DEBUG=domo-filesets, or a list containing it, or "*"). */
export function debugEnabled(env: Record<string, string | undefined>): boolean {
  const parts = (env.DEBUG ?? '').split(/[\s,]+/);
  return parts.some((p) => p === '*' || p === 'domo-filesets' || p === 'domo-filesets:*');
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: Io = createIo()): Promise<number> {
  for (const name of TOKEN_ENV_VARS) {
    const v = io.env[name]?.trim();
    if (v) io.secrets.add(v);
  }
  let outcome: Outcome | undefined;
  try {
    const program = buildProgram({ io, cwd: process.cwd() }, (o) => {
      outcome = o;
    });
    await program.parseAsync(argv, { from: 'user' });
    if (outcome) {
      printOutcome(io, outcome);
      if (outcome.status) throw outcome.status;
    }
    return EXIT.OK;
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && QUIET_COMMANDER_CODES.has(code)) return exitCodeOf(err);
    if (!isSilent(err)) {
      io.stderr.write(`${io.colorErr.red(neutralizeControls(formatErrorLine(err, io.secrets)))}\n`);
      if (debugEnabled(io.env) && err instanceof Error && err.stack) {
        io.stderr.write(`${scrub(err.stack, io.secrets)}\n`);
      }
    }
    return exitCodeOf(err);
  }
}
