/**
 * The probe's report as a terminal table or a markdown table for an issue. Pure: report in, string out.
 * Neither names the instance (the markdown is meant to be pasted in public).
 */
import type { Colors } from '../io';
import { mdCode, mdText } from '../render/markdown';
import { conclusion, emulatorFlags, notHandled, scratchLine } from './summary';
import type { ProbeReport } from './types';

function header(report: ProbeReport): string {
  return `domo-filesets ${report.version} probe, ${report.startedAt}`;
}

/** The report as text: a table (assumption, observed, handled), what this version does, and the outcome. */
export function renderProbeText(report: ProbeReport, c: Colors): string {
  const head = ['Assumption', 'Observed', 'Handled'];
  const rows = report.checks.map((r) => [r.assumption, r.observed, r.handled ? 'yes' : 'NO']);
  const widths = [0, 1].map((i) => Math.max(head[i].length, ...rows.map((r) => r[i].length)));
  const line = (r: string[], paint = (s: string) => s): string => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${paint(r[2])}`.trimEnd();
  const out = [header(report), '', c.bold(line(head))];
  for (const r of rows) out.push(line(r, r[2] === 'yes' ? c.green : c.red));
  out.push('', c.bold('What this version does:'));
  for (const r of report.checks) out.push(`  ${r.assumption}: ${r.note}`);
  const flags = emulatorFlags(report);
  if (flags.length > 0) out.push('', c.bold('The emulator answers like this instance with:'), `  domo-filesets emulator ${flags.join(' ')}`);
  const bad = notHandled(report).length > 0 || report.interrupted;
  out.push('', scratchLine(report), (bad ? c.red : c.green)(conclusion(report)));
  return `${out.join('\n')}\n`;
}

/** The report as GitHub-flavoured markdown, to paste into an issue. */
export function renderProbeMarkdown(report: ProbeReport): string {
  const out = [
    '### domo-filesets probe',
    '',
    `domo-filesets ${mdText(report.version)} · ${mdText(report.startedAt)}`,
    '',
    '| Assumption | Observed | Handled | What this version does |',
    '|---|---|:-:|---|',
    ...report.checks.map((r) => `| ${mdText(r.assumption)} | ${mdText(r.observed)} | ${r.handled ? '✅' : '❌'} | ${mdText(r.note)} |`),
  ];
  const flags = emulatorFlags(report);
  if (flags.length > 0) out.push('', `Emulator with the same answers: ${mdCode(`domo-filesets emulator ${flags.join(' ')}`)}`);
  const bad = notHandled(report).length > 0 || report.interrupted;
  out.push('', bad ? `> [!CAUTION]\n> ${mdText(conclusion(report))}` : `**${mdText(conclusion(report))}**`);
  return `${out.join('\n')}\n`;
}
