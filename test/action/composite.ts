/**
 * Runs github-action/action.yml the way GitHub runs a composite action, closely enough to test its wiring:
 * inputs with their defaults, each step's `if` and `env` evaluated from the inputs, github and steps
 * contexts, each `run` step executed as `bash --noprofile --norc -eo pipefail FILE` with a fresh
 * GITHUB_OUTPUT, GITHUB_ACTION_PATH, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH and RUNNER_TEMP, a failing step
 * ending the action, and the action's outputs read from the step outputs. `uses:` steps are not run; the
 * ones whose `if` holds are reported. Expressions are limited to context lookups and `== / != '…'`; anything
 * else throws, which keeps action.yml to what this runner can check.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../support/fs-state';

/** The action under test. */
export const ACTION_DIR = join(ROOT, 'github-action');

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

interface ActionMeta {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

/** What a test gives the runner. */
export interface RunActionOptions {
  inputs: Record<string, string>;
  /** Base environment of the steps (PATH, test fakes' settings); GitHub's variables are added to it. */
  env: Record<string, string>;
  /** The workspace (GITHUB_WORKSPACE and the steps' working directory). */
  workspace: string;
  runnerTemp: string;
  /** The value of `github.token`. */
  githubToken: string;
  event?: { name: string; payload: unknown };
  /** Command to prefix the bash of every run step with (e.g. strace). */
  wrap?: string[];
}

/** What came out of one run. */
export interface ActionRun {
  /** Exit code of the failing step, or 0. */
  code: number;
  /** stdout then stderr of every step that ran, in order. */
  log: string;
  outputs: Record<string, string>;
  steps: Record<string, Record<string, string>>;
  summary: string;
  /** `uses:` steps whose condition held. */
  uses: { uses: string; with: Record<string, string> }[];
}

/** Parses GITHUB_OUTPUT: `name=value` lines and `name<<DELIM` heredocs. */
function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      out[heredoc[1]] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`GITHUB_OUTPUT line without '=': ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

type Context = Record<string, unknown>;

function lookup(ctx: Context, path: string): string {
  let cur: unknown = ctx;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as object))) {
      // Missing step outputs and inputs read as '' on GitHub; an unknown context is a test-runner error.
      if (['inputs', 'steps'].includes(path.split('.')[0])) return '';
      throw new Error(`expression reads unknown ${path}`);
    }
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

/** Evaluates one expression body: a context path, or a path compared with a quoted string. */
function evaluate(ctx: Context, expr: string): string {
  const e = expr.trim();
  const cmp = /^([\w.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(e);
  if (cmp) {
    const equal = lookup(ctx, cmp[1]) === cmp[3];
    return String(cmp[2] === '==' ? equal : !equal);
  }
  if (/^[\w.-]+$/.test(e)) return lookup(ctx, e);
  throw new Error(`expression not supported by the test runner: ${e}`);
}

/** Replaces every `${{ … }}` in a string. */
function interpolate(ctx: Context, s: string): string {
  return s.replace(/\$\{\{([^}]*)\}\}/g, (_m, expr: string) => evaluate(ctx, expr));
}

function condition(ctx: Context, cond: string | undefined): boolean {
  if (cond === undefined) return true;
  const inner = /^\s*\$\{\{(.*)\}\}\s*$/.exec(cond)?.[1] ?? cond;
  return evaluate(ctx, inner) === 'true';
}

/** Runs the action once. */
export function runAction(opts: RunActionOptions): ActionRun {
  const meta = parse(readFileSync(join(ACTION_DIR, 'action.yml'), 'utf8')) as ActionMeta;
  const stepDir = mkdtempSync(join(opts.runnerTemp, 'steps-'));
  const summaryFile = join(stepDir, 'summary.md');
  writeFileSync(summaryFile, '');

  const github: Record<string, string> = { token: opts.githubToken, action_path: ACTION_DIR, workspace: opts.workspace };
  const defaults: Context = { github, runner: { temp: opts.runnerTemp } };
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(meta.inputs)) {
    const given = opts.inputs[name];
    inputs[name] = given !== undefined ? given : interpolate(defaults, spec.default ?? '');
  }
  for (const name of Object.keys(opts.inputs)) if (!(name in meta.inputs)) throw new Error(`unknown input ${name}`);

  const steps: Record<string, Record<string, string>> = {};
  const ctx: Context = { ...defaults, inputs, steps: {} as Record<string, { outputs: Record<string, string> }> };
  const eventEnv: Record<string, string> = {};
  if (opts.event) {
    const eventFile = join(stepDir, 'event.json');
    writeFileSync(eventFile, JSON.stringify(opts.event.payload));
    eventEnv.GITHUB_EVENT_PATH = eventFile;
    eventEnv.GITHUB_EVENT_NAME = opts.event.name;
  }

  let log = '';
  const uses: ActionRun['uses'] = [];
  let code = 0;
  meta.runs.steps.forEach((step, index) => {
    if (code !== 0 || !condition(ctx, step.if)) return;
    if (step.uses) {
      const w: Record<string, string> = {};
      for (const [k, v] of Object.entries(step.with ?? {})) w[k] = interpolate(ctx, String(v));
      uses.push({ uses: step.uses, with: w });
      return;
    }
    if (step.shell !== 'bash') throw new Error(`step ${step.id ?? index} must use shell: bash`);
    const script = join(stepDir, `step-${index}.sh`);
    const outputFile = join(stepDir, `output-${index}`);
    writeFileSync(script, step.run ?? '');
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      ...opts.env,
      ...eventEnv,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: opts.workspace,
      GITHUB_ACTION_PATH: ACTION_DIR,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: opts.runnerTemp,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = interpolate(ctx, String(v));
    const cmd = [...(opts.wrap ?? []), 'bash', '--noprofile', '--norc', '-eo', 'pipefail', script];
    const res = spawnSync(cmd[0], cmd.slice(1), { cwd: opts.workspace, env, encoding: 'utf8', timeout: 60_000 });
    log += res.stdout + res.stderr;
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
    if (step.id) {
      steps[step.id] = outputs;
      (ctx.steps as Record<string, { outputs: Record<string, string> }>)[step.id] = { outputs };
    }
    if (res.status !== 0) code = res.status ?? 1;
  });

  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(meta.outputs)) outputs[name] = interpolate(ctx, spec.value);
  return { code, log, outputs, steps, summary: readFileSync(summaryFile, 'utf8'), uses };
}
