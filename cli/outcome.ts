/**
 * What a command hands back to the top level: data to print and, optionally, a typed error to raise after
 * printing (exit 2 for pending changes, 3 for a guard, 1 for a failed apply), so the report is always shown.
 */
import type { Report } from '../loader/types';
import type { Io } from './io';
import type { ReportKind } from './render/summary';
import type { Format } from './validate';

/** Printed result of a command. */
export type Outcome =
  | { kind: 'report'; report: Report; reportKind: ReportKind; format: Format; status?: Error }
  | { kind: 'json'; value: unknown; status?: Error }
  | { kind: 'text'; text: string; status?: Error }
  | { kind: 'none'; status?: Error };

/** Everything a command receives besides its arguments. */
export interface Ctx {
  io: Io;
  cwd: string;
}

/** Parsed positional arguments and options of one invocation. */
export interface Input<O = Record<string, unknown>> {
  args: string[];
  /** The command's options, as its declaration in program.ts types them. */
  opts: O;
}

/** A lazily loaded command module; `O` is the type of its options. */
export interface CommandModule<O = Record<string, unknown>> {
  run(ctx: Ctx, input: Input<O>): Promise<Outcome>;
}
