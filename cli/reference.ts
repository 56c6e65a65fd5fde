/**
 * The CLI reference (docs/cli.md), generated from the command definitions themselves, so the documentation
 * cannot drift from what the program accepts: `npm run docs:cli` writes it, and a test fails when the file is
 * not what this renders.
 */
import type { Command, Option } from 'commander';
import { createIo } from './io';
import { buildProgram } from './program';

/** Options every command has; listed once at the top instead of under each command. */
const COMMON = new Set(['--help', '--version']);

/** Text for a table cell: pipes escaped, angle brackets shown as text (not read as HTML tags). */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function optionLine(o: Option): string {
  const choices = (o as Option & { argChoices?: string[] }).argChoices;
  const extra: string[] = [];
  if (o.mandatory) extra.push('required');
  if (choices && choices.length > 0) extra.push(`one of ${choices.map((c) => `\`${c}\``).join(', ')}`);
  if (o.defaultValue !== undefined && o.defaultValue !== false) extra.push(`default \`${String(o.defaultValue)}\``);
  return `| \`${o.flags}\` | ${cell(o.description)}${extra.length ? ` (${extra.join('; ')})` : ''} |`;
}

function commandSection(cmd: Command, path: string[]): string[] {
  const name = [...path, cmd.name()].join(' ');
  const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`));
  const out = [`## \`${name}${args.length ? ` ${args.join(' ')}` : ''}\``, '', cell(cmd.description()), ''];
  const described = cmd.registeredArguments.filter((a) => a.description);
  if (described.length > 0) {
    out.push('| argument | meaning |', '|---|---|');
    for (const a of described) out.push(`| \`${a.name()}\` | ${cell(a.description)} |`);
    out.push('');
  }
  const options = cmd.options.filter((o) => !COMMON.has(o.long ?? ''));
  if (options.length > 0) {
    out.push('| option | meaning |', '|---|---|', ...options.map(optionLine), '');
  }
  return out;
}

function walk(cmd: Command, path: string[], out: string[]): void {
  for (const sub of cmd.commands) {
    if (sub.commands.length > 0) {
      out.push(`## \`${[...path, sub.name()].join(' ')}\``, '', sub.description(), '');
      walk(sub, [...path, sub.name()], out);
    } else {
      out.push(...commandSection(sub, path));
    }
  }
}

/** The reference as markdown. */
export function renderCliReference(): string {
  const program = buildProgram({ io: createIo({ env: {} }), cwd: '.' }, () => undefined);
  const out = [
    '# `domo-filesets` command reference',
    '',
    '<!-- Generated from cli/program.ts by `npm run docs:cli`; a test fails when this file is out of date. -->',
    '',
    program.description(),
    '',
    'Every command takes `-h, --help` and `-V, --version`. Results go to stdout, progress and logs to stderr.',
    'Credentials come from the environment: `DOMO_INSTANCE` (or `DOMO_BASE_URL`) and `DOMO_DEVELOPER_TOKEN`',
    '(or `DOMO_ACCESS_TOKEN`, `DOMO_TOKEN`). Exit codes: 0 done or no changes, 1 error, 2 changes pending',
    '(`plan --detailed-exitcode`, `gc` without `--yes`), 3 a safety guard refused, 130/143 stopped by SIGINT/SIGTERM.',
    '',
  ];
  const root = program as Command;
  walk(root, ['domo-filesets'], out);
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** Every long flag any command accepts (for the documentation test). */
export function allFlags(): Set<string> {
  const program = buildProgram({ io: createIo({ env: {} }), cwd: '.' }, () => undefined);
  const flags = new Set<string>();
  const visit = (c: Command): void => {
    for (const o of c.options) {
      if (o.long) flags.add(o.long);
      if (o.negate && o.long) flags.add(o.long);
    }
    c.commands.forEach(visit);
  };
  visit(program);
  return flags;
}
