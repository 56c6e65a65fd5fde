/**
 * One probe run: create the scratch FileSet, run every check (a check that fails records the failure as its
 * observation and the next one runs), and delete every scratch FileSet in the end — after a failure or a
 * Ctrl-C too. `keep` keeps the main one for a look in Domo; the extra ones a check made are always deleted.
 */
import { randomBytes } from 'node:crypto';
import { isNotFound } from '../../client/errors';
import type { DomoFilesClient } from '../../client/client';
import { CliError } from '../errors';
import { CHECKS, type Check } from './checks';
import { describeAnswer } from './answers';
import { idOf, type GatherCtx } from './io';
import { RawApi } from './raw';
import type { CheckResult, ProbeReport } from './types';

/** What a probe run needs. */
export interface ProbeOptions {
  baseUrl: string;
  token: string;
  /** The client the cleanup deletes with (its retries, and its emptying of a FileSet that answers 409). */
  client: Pick<DomoFilesClient, 'deleteFileSet' | 'findFileSetsByName'>;
  indexWaitMs: number;
  keep: boolean;
  /** domo-filesets version, for the report. */
  version: string;
  /** Aborted on Ctrl-C: no check or request starts, waits end; the cleanup still runs. */
  signal?: AbortSignal;
  /** Aborted a grace period after `signal`: requests still running end. */
  cancel?: AbortSignal;
  /** Progress lines (stderr). */
  log(line: string): void;
  /** The checks to run (default: all). */
  checks?: readonly Check[];
}

/** Name prefix of every scratch FileSet (gc --name 'domo-filesets-probe-*' finds any a killed probe left). */
export const SCRATCH_PREFIX = 'domo-filesets-probe-';

const DESCRIPTION = 'Scratch FileSet of `domo-filesets probe`; deleted when the probe ends, safe to delete by hand.';

/** A 4xx answer to a create: the server made nothing. */
class Refused extends Error {}

function message(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

/** Runs one check; a failure of its requests (or its verdict) becomes its observation. */
async function runCheck(c: Check, ctx: GatherCtx, signal?: AbortSignal): Promise<CheckResult> {
  try {
    return { id: c.id, assumption: c.assumption, ...c.judge(await c.gather(ctx)) };
  } catch (e) {
    const interrupted = signal?.aborted === true;
    return {
      id: c.id,
      assumption: c.assumption,
      observed: interrupted ? 'not finished (interrupted)' : `not observed: ${message(e)}`,
      value: null,
      handled: false,
      failed: true,
      note: interrupted ? 'the probe was stopped' : 'a request failed, so this version cannot be said to handle it',
    };
  }
}

/** Runs the probe and returns its report; throws CliError only when no scratch FileSet could be made. */
export async function runProbe(opts: ProbeOptions): Promise<ProbeReport> {
  const name = `${SCRATCH_PREFIX}${randomBytes(4).toString('hex')}`;
  const raw = new RawApi(opts.baseUrl, opts.token, { stop: opts.signal, cancel: opts.cancel });
  const created = new Map<string, string>();
  const unanswered: string[] = [];
  const gone = new Set<string>();
  const report: ProbeReport = {
    version: opts.version,
    startedAt: new Date().toISOString(),
    scratch: { name, id: null, kept: false, leftBehind: [] },
    checks: [],
  };
  const createFileSet = async (n: string, aiEnabled: boolean): Promise<string> => {
    let id: string;
    try {
      const answer = await raw.send('POST', '/filesets', { json: { name: n, description: DESCRIPTION, aiEnabled } });
      if (answer.status >= 400 && answer.status < 500) throw new Refused(`creating FileSet ${n} answered ${describeAnswer(answer)}`);
      id = idOf(answer, `creating FileSet ${n}`);
    } catch (e) {
      // Unless the server refused it, the FileSet may exist without its id known here: the cleanup looks for the name.
      if (!(e instanceof Refused)) unanswered.push(n);
      throw e;
    }
    created.set(id, n);
    return id;
  };
  try {
    try {
      report.scratch.id = await createFileSet(name, true).catch((e: unknown) => {
        // A token whose user may not enable AI still gets the other checks (the indexing check then shows why).
        if (!(e instanceof Refused) || opts.signal?.aborted) throw e;
        opts.log(`domo-filesets probe: creating a FileSet with AI enabled was refused (${message(e)}); trying without`);
        return createFileSet(name, false);
      });
    } catch (e) {
      if (opts.signal?.aborted) return report;
      throw new CliError(`probe: could not create the scratch FileSet: ${message(e)}`);
    }
    opts.log(`domo-filesets probe: scratch FileSet ${name} (${report.scratch.id}) created`);
    const ctx: GatherCtx = {
      raw,
      fileSetId: report.scratch.id,
      marker: `probemarker${randomBytes(6).toString('hex')}`,
      indexWaitMs: opts.indexWaitMs,
      signal: opts.signal,
      extraFileSet: (suffix) => createFileSet(`${name}-${suffix}`, false),
      gone: (id) => gone.add(id),
    };
    const checks = opts.checks ?? CHECKS;
    for (const [i, c] of checks.entries()) {
      if (opts.signal?.aborted) break;
      opts.log(`domo-filesets probe: [${i + 1}/${checks.length}] ${c.assumption}`);
      report.checks.push(await runCheck(c, ctx, opts.signal));
    }
  } finally {
    if (opts.signal?.aborted) report.interrupted = String(opts.signal.reason ?? 'SIGINT');
    await cleanup(opts, report, created, gone, unanswered);
    await raw.close();
  }
  return report;
}

/** Deletes every scratch FileSet not known to be gone (and any whose create got no answer); records failures. */
async function cleanup(opts: ProbeOptions, report: ProbeReport, created: Map<string, string>, gone: Set<string>, unanswered: string[]): Promise<void> {
  const remove = async (id: string, n: string): Promise<void> => {
    try {
      await opts.client.deleteFileSet(id, { force: true });
    } catch (e) {
      if (!isNotFound(e)) report.scratch.leftBehind.push({ id, name: n, error: message(e) });
    }
  };
  for (const [id, n] of created) {
    if (gone.has(id)) continue;
    if (opts.keep && id === report.scratch.id) {
      report.scratch.kept = true;
      continue;
    }
    await remove(id, n);
  }
  for (const n of unanswered) {
    try {
      for (const fs of await opts.client.findFileSetsByName(n)) await remove(fs.id, n);
    } catch (e) {
      report.scratch.leftBehind.push({ id: '(unknown)', name: n, error: message(e) });
    }
  }
  if (created.size === 0 && unanswered.length === 0) return;
  const { scratch } = report;
  const kept = scratch.kept ? `; kept ${scratch.name} (${scratch.id})` : '';
  const left = scratch.leftBehind.length ? `; ${scratch.leftBehind.length} could not be deleted` : '';
  opts.log(`domo-filesets probe: scratch FileSets deleted${kept}${left}`);
}
