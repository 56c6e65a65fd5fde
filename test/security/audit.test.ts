/**
 * `npm audit --omit=dev`: no high or critical vulnerability in what users install. The only reason not to
 * judge is a registry (or its audit endpoint) that cannot be reached (offline CI, a mirror without
 * /-/npm/v1/security): then the test is reported as skipped, with the reason in its name — never as passed.
 * Whether the audit can run is only known by running it, so it runs while the file is collected.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { logFigures } from '../support/harness';

interface AuditJson {
  error?: { code?: string; summary?: string };
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity: string; via: unknown[] }>;
}

/** Registry down or without the audit endpoint (a mirror answering 404/405/501): nothing to judge. */
const UNREACHABLE =
  /Method Not Allowed|\b40[45]\b|\b501\b|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|getaddrinfo|audit endpoint returned an error|request to .* failed/i;

const NAME = 'npm audit --omit=dev reports no high or critical vulnerability';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['audit', '--omit=dev', '--json'], { cwd: join(__dirname, '..', '..'), encoding: 'utf8', timeout: 110_000 });
let report: AuditJson | undefined;
try {
  report = JSON.parse(r.stdout) as AuditJson;
} catch {
  report = undefined;
}
const errorText = `${report?.error?.code ?? ''} ${report?.error?.summary ?? ''} ${r.stderr ?? ''} ${r.error?.message ?? ''}`.trim();
const vulnerabilities = report?.metadata?.vulnerabilities;

if (!vulnerabilities && UNREACHABLE.test(errorText)) {
  const reason = errorText.split('\n')[0].slice(0, 160);
  logFigures('npm-audit', { skipped: `audit endpoint unreachable: ${reason}` });
  test.skip(`${NAME} (skipped: the audit endpoint is unreachable: ${reason})`, () => undefined);
} else {
  test(NAME, () => {
    if (!vulnerabilities) throw new Error(`npm audit gave no report (exit ${r.status}): ${errorText.slice(0, 500)}`);
    const bad = Object.entries(report?.vulnerabilities ?? {})
      .filter(([, x]) => x.severity === 'high' || x.severity === 'critical')
      .map(([name, x]) => `${name} (${x.severity})`);
    logFigures('npm-audit', { vulnerabilities });
    expect(bad).toEqual([]);
    expect((vulnerabilities.high ?? 0) + (vulnerabilities.critical ?? 0)).toBe(0);
  });
}
