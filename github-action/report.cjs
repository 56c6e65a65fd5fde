#!/usr/bin/env node
/**
 * What run.sh needs from a domo-filesets JSON report, in node because the shell has no JSON:
 *   summarize KIND FORMAT REPORT.json BIN OUT
 *                                   prints the number of changes (plan: planned; apply: made) and writes
 *                                   the report in FORMAT to OUT with the CLI's `show` command; exit 1 when
 *                                   REPORT.json is not a report, 3 when the installed CLI could not render
 *                                   it (the changes are printed all the same)
 *   sha256 FILE                     the file's SHA-256, hex
 * KIND is plan or apply. Reads files only; never touches the network or the environment's secrets.
 */
'use strict';
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');

/** File actions; every other op (update, grant, revoke, transfer) is a FileSet-level action. */
const FILE_OPS = new Set(['upload', 'replace', 'delete']);

function settingsOf(fs) {
  return (fs.actions || []).filter((a) => !FILE_OPS.has(a.op)).length;
}

/**
 * plan: file actions + FileSet-level actions + FileSets to create, as the CLI's --detailed-exitcode counts.
 * apply: files uploaded, replaced and deleted (result), plus creations and FileSet-level actions of the
 * FileSets that were neither refused nor blocked, less the planned changes apply reports as skipped.
 */
function countChanges(kind, report) {
  let n = 0;
  for (const fs of report.filesets || []) {
    const s = fs.summary || {};
    if (kind === 'plan') {
      n += (s.upload || 0) + (s.replace || 0) + (s.delete || 0) + settingsOf(fs) + (fs.create ? 1 : 0);
      continue;
    }
    const r = fs.result || {};
    n += (r.uploaded || 0) + (r.replaced || 0) + (r.deleted || 0);
    if (fs.refused || (fs.problems && fs.problems.length > 0) || !fs.result) continue;
    const skippedSettings = (fs.skipped || []).filter((x) => x.op && !FILE_OPS.has(x.op)).length;
    n += (fs.create ? 1 : 0) + Math.max(0, settingsOf(fs) - skippedSettings);
  }
  return n;
}

/** Renders the report with the installed CLI's `show` command; false when the CLI could not. */
function render(bin, file, format, kind, out) {
  const r = spawnSync(process.execPath, [bin, 'show', file, '--format', format, '--kind', kind], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) return false;
  writeFileSync(out, r.stdout);
  return true;
}

function readReport(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if (!report || !Array.isArray(report.filesets)) throw new Error(`${file}: not a domo-filesets report (no "filesets" array)`);
  return report;
}

function main(argv) {
  const [cmd, ...rest] = argv;
  if (cmd === 'summarize') {
    const [kind, format, file, bin, out] = rest;
    const report = readReport(file);
    process.stdout.write(`${countChanges(kind, report)}\n`);
    if (format === 'json') return 0;
    return render(bin, file, format, kind === 'destroy' || kind === 'gc' ? 'apply' : kind, out) ? 0 : 3;
  }
  if (cmd === 'sha256') {
    process.stdout.write(`${createHash('sha256').update(readFileSync(rest[0])).digest('hex')}\n`);
    return 0;
  }
  process.stderr.write(`report.cjs: unknown command '${cmd}' (summarize | sha256)\n`);
  return 2;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`report.cjs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

module.exports = { countChanges };
