/**
 * A sandbox for running the action: a workspace, RUNNER_TEMP, a PATH made only of the tools the scripts
 * need plus fakes (domo-filesets, gh or curl, npm), the fakes' state and call log, and the two canary
 * tokens that must never show up in any output or command line.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN } from '../support/fs-state';
import { runAction, type ActionRun } from './composite';

/** The Domo token given to the action (a canary). */
export const DOMO_TOKEN = 'domo-canary-6c1f0e9a7b3d';
/** The GitHub token given to the action (a canary). */
export const GITHUB_TOKEN = 'ghs_canary_4b8e2f7d1a90';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const FIXTURES = join(__dirname, 'fixtures');

/** System tools the scripts run; each is linked into the sandbox's PATH so nothing else (e.g. a real gh) is found. */
const TOOLS = ['bash', 'sh', 'env', 'cat', 'cp', 'mkdir', 'mktemp', 'dirname', 'basename', 'head', 'tail', 'od', 'tr', 'grep', 'awk'];

function which(tool: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, tool);
    if (dir && existsSync(p)) return p;
  }
  throw new Error(`${tool} not found on PATH`);
}

function script(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** One call a fake recorded. */
export interface Call {
  tool: string;
  argv: string[];
  method?: string;
  path?: string;
  /** Env variables holding a canary token, as NAME=<first 8 hex of its SHA-256>. */
  secretEnv: string[];
}

/** A comment in the fake GitHub. */
export interface Comment {
  id: number;
  body: string;
}

/** A pull_request event for PR 42 of acme/handbook. */
function pullRequestEvent(number = 42): { name: string; payload: unknown } {
  return {
    name: 'pull_request',
    payload: {
      action: 'synchronize',
      number,
      pull_request: { number, head: { repo: { full_name: 'acme/handbook' } } },
      repository: { full_name: 'acme/handbook' },
    },
  };
}

/** The sandbox. */
export class Sandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'domo-action-'));
  readonly workspace = join(this.root, 'workspace');
  readonly runnerTemp = join(this.root, 'runner-temp');
  readonly logFile = join(this.root, 'calls.jsonl');
  /** Every call of every run, kept when a test clears the current log. */
  readonly allCallsFile = join(this.root, 'all-calls.jsonl');
  readonly stateFile = join(this.root, 'github-state.json');
  readonly scenarioFile = join(this.root, 'scenario.json');
  private readonly tools = join(this.root, 'tools');
  private readonly fakeBin = join(this.root, 'fake-bin');
  private readonly ghDir = join(this.root, 'gh-bin');
  private readonly curlDir = join(this.root, 'curl-bin');
  private readonly realBin = join(this.root, 'real-bin');
  private readonly bareBin = join(this.root, 'bare-bin');
  readonly runs: ActionRun[] = [];

  constructor() {
    for (const d of [this.workspace, this.runnerTemp, this.tools, this.fakeBin, this.ghDir, this.curlDir, this.realBin, this.bareBin])
      mkdirSync(d, { recursive: true });
    for (const t of TOOLS) symlinkSync(which(t), join(this.tools, t));
    symlinkSync(process.execPath, join(this.tools, 'node'));
    // The CLIs are laid out as in the npm package (<pkg>/dist/cli/bin.js). The fake answers `show` with the
    // real built CLI, except the bare one, which stands for a CLI that cannot render.
    this.cliPackage(join(this.root, 'fake-pkg'), join(FIXTURES, 'fake-cli.cjs'), this.fakeBin);
    this.cliPackage(join(this.root, 'real-pkg'), BIN, this.realBin);
    this.cliPackage(join(this.root, 'bare-pkg'), join(FIXTURES, 'fake-cli.cjs'), this.bareBin, false);
    script(join(this.ghDir, 'gh'), `#!/bin/sh\nexec node ${JSON.stringify(join(FIXTURES, 'fake-github.cjs'))} gh "$@"\n`);
    script(join(this.curlDir, 'curl'), `#!/bin/sh\nexec node ${JSON.stringify(join(FIXTURES, 'fake-github.cjs'))} curl "$@"\n`);
    this.setComments([]);
    this.scenario({});
  }

  private cliPackage(pkg: string, target: string, binDir: string, withRenderer = true): void {
    mkdirSync(join(pkg, 'dist', 'cli'), { recursive: true });
    const real = withRenderer ? `process.env.FAKE_REAL_BIN = ${JSON.stringify(BIN)};\n` : 'delete process.env.FAKE_REAL_BIN;\n';
    script(join(pkg, 'dist', 'cli', 'bin.js'), `#!/usr/bin/env node\n${real}require(${JSON.stringify(target)});\n`);
    symlinkSync(join(pkg, 'dist', 'cli', 'bin.js'), join(binDir, 'domo-filesets'));
  }

  /** Sets what the fake CLI answers, per command. */
  scenario(s: Record<string, { exit?: number; stdout?: string; stderr?: string; planFile?: string }>): void {
    writeFileSync(this.scenarioFile, JSON.stringify(s));
  }

  /** Replaces the fake GitHub's comments on the PR. */
  setComments(comments: Comment[]): void {
    writeFileSync(this.stateFile, JSON.stringify({ comments, nextId: 1000 + comments.length }));
  }

  comments(): Comment[] {
    return (JSON.parse(readFileSync(this.stateFile, 'utf8')) as { comments: Comment[] }).comments;
  }

  calls(): Call[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Call);
  }

  clearCalls(): void {
    if (existsSync(this.logFile)) appendFileSync(this.allCallsFile, readFileSync(this.logFile));
    rmSync(this.logFile, { force: true });
  }

  /**
   * Runs the action. `cli`: the fake (default), the fake without the CLI's renderer, or the real built CLI; `github`: which client the comment
   * call finds (gh, curl, or none); `domoToken: false` is a run without secrets, as a fork's.
   */
  run(
    inputs: Record<string, string>,
    opts: {
      cli?: 'fake' | 'bare' | 'real';
      github?: 'gh' | 'curl';
      domoToken?: boolean;
      event?: { name: string; payload: unknown } | null;
      wrap?: string[];
    } = {},
  ): ActionRun {
    const cliBin = opts.cli === 'real' ? this.realBin : opts.cli === 'bare' ? this.bareBin : this.fakeBin;
    const path = [cliBin, opts.github === 'curl' ? this.curlDir : this.ghDir, this.tools].join(':');
    const env: Record<string, string> = {
      PATH: path,
      HOME: this.root,
      LANG: 'C.UTF-8',
      GITHUB_REPOSITORY: 'acme/handbook',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      FAKE_LOG: this.logFile,
      FAKE_CLI_SCENARIO: this.scenarioFile,
      FAKE_GITHUB_STATE: this.stateFile,
      FAKE_GITHUB_TOKEN_SHA: sha(GITHUB_TOKEN),
      FAKE_SECRET_SHAS: [sha(DOMO_TOKEN), sha(GITHUB_TOKEN)].join(','),
    };
    const withInputs: Record<string, string> = { version: 'workspace', 'domo-instance': 'acme', ...inputs };
    if (opts.domoToken !== false && withInputs['domo-token'] === undefined) withInputs['domo-token'] = DOMO_TOKEN;
    const run = runAction({
      inputs: withInputs,
      env,
      workspace: this.workspace,
      runnerTemp: this.runnerTemp,
      githubToken: GITHUB_TOKEN,
      event: opts.event === null ? undefined : (opts.event ?? pullRequestEvent()),
      wrap: opts.wrap,
    });
    this.runs.push(run);
    return run;
  }

  /** Every file under RUNNER_TEMP and the workspace, as text. */
  files(): { path: string; text: string }[] {
    const out: { path: string; text: string }[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) out.push({ path: p, text: readFileSync(p, 'latin1') });
      }
    };
    walk(this.runnerTemp);
    walk(this.workspace);
    return out;
  }

  write(rel: string, text: string): string {
    const p = join(this.workspace, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    return p;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** SHA-256 hex of a string. */
export function sha256(s: string): string {
  return sha(s);
}
