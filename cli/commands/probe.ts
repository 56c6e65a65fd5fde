/**
 * `probe [--keep] [--index-wait 60s] [--format text|json|markdown]`: learns which documented reading of the
 * Files API the configured instance follows, on a scratch FileSet it deletes again (even after a failure or
 * a Ctrl-C), and says whether this version handles each. Exit 0 when it handles all, 1 naming what not.
 */
import { resolveClientConfig } from '../../client/config';
import { connectFromEnv, withConnection } from '../connect';
import { onInterrupt } from '../interrupt';
import type { Ctx, Input, Outcome } from '../outcome';
import { packageVersion } from '../pkg';
import type { Format } from '../validate';

/** Flags of probe. */
export interface ProbeFlags {
  keep?: boolean;
  indexWait: string;
  format: Format;
}

/** Runs probe. */
export async function run(ctx: Ctx, input: Input<ProbeFlags>): Promise<Outcome> {
  const flags = input.opts;
  const { parseDuration }: typeof import('../../loader/gc') = require('../../loader/gc');
  const indexWaitMs = parseDuration(flags.indexWait, '--index-wait');
  const { runProbe }: typeof import('../probe/run') = require('../probe/run');
  const { probeDocument, probeStatus }: typeof import('../probe/summary') = require('../probe/summary');
  const { renderProbeMarkdown, renderProbeText }: typeof import('../probe/render') = require('../probe/render');
  const conn = connectFromEnv(ctx.io);
  // The same resolution the client just made (it registered the token as a secret): the probe's raw requests
  // need the base URL and token themselves.
  const { baseUrl, token } = resolveClientConfig({ env: ctx.io.env });
  ctx.io.log(`domo-filesets probe: probing ${baseUrl}`);
  const report = await withConnection(conn, async ({ client }) => {
    const interrupt = onInterrupt(ctx.io);
    try {
      return await runProbe({
        baseUrl,
        token,
        client,
        indexWaitMs,
        keep: flags.keep === true,
        version: packageVersion(),
        signal: interrupt.stop,
        cancel: interrupt.cancel,
        log: (line) => ctx.io.log(ctx.io.colorErr.dim(line)),
      });
    } finally {
      interrupt.dispose();
    }
  });
  const status = probeStatus(report);
  if (flags.format === 'json') return { kind: 'json', value: probeDocument(report), status };
  return { kind: 'text', text: flags.format === 'markdown' ? renderProbeMarkdown(report) : renderProbeText(report, ctx.io.color), status };
}
