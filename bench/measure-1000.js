#!/usr/bin/env node
/**
 * Measures a cold and a no-op apply of N files (default 1,000 × 4 KiB, nested) against the emulator running
 * as a separate process. Usage: npm run build && node bench/measure-1000.js [N]
 * Prints wall time and the emulator's request counts for each run.
 */
/* global fetch */
const { spawn } = require('node:child_process');
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const root = path.resolve(__dirname, '..');
const { DomoFilesClient } = require(path.join(root, 'dist/client'));
const { loadManifest, applyManifest } = require(path.join(root, 'dist/loader'));

async function main() {
  const n = Number(process.argv[2] ?? 1000);
  const dir = mkdtempSync(path.join(tmpdir(), 'measure-'));
  for (let i = 0; i < n; i += 1) {
    const rel = path.join(`d${i % 10}`, `e${i % 7}`, `file-${i}.txt`);
    mkdirSync(path.join(dir, 'src', path.dirname(rel)), { recursive: true });
    writeFileSync(path.join(dir, 'src', rel), randomBytes(4096));
  }
  writeFileSync(path.join(dir, 'manifest.yaml'), 'version: 1\nfilesets:\n  - name: measure\n    source: ./src\n');
  // files written just now are "racily clean" for the hash cache; age them like a checked-out tree
  const old = new Date(Date.now() - 10_000);
  const { utimesSync } = require('node:fs');
  const walk = (d) =>
    require('node:fs')
      .readdirSync(d, { withFileTypes: true })
      .forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : utimesSync(path.join(d, e.name), old, old)));
  walk(path.join(dir, 'src'));

  const emu = spawn(process.execPath, [path.join(root, 'dist/cli/bin.js'), 'emulator', '--port', '0', '--token', 't'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    emu.stdout.on('data', (c) => {
      buf += c;
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(buf.slice(0, i).trim());
    });
    emu.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  const stats = async () => (await fetch(`${url}/_emulator/stats`)).json();
  const client = new DomoFilesClient({ baseUrl: url, token: 't' });
  const manifest = await loadManifest(path.join(dir, 'manifest.yaml'), {});
  try {
    for (const label of ['cold', 'no-op']) {
      const before = await stats();
      const t0 = process.hrtime.bigint();
      const report = await applyManifest(manifest, { client });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const after = await stats();
      const requests = {};
      for (const [k, v] of Object.entries(after.requests)) if (v - (before.requests[k] ?? 0) > 0) requests[k] = v - (before.requests[k] ?? 0);
      console.log(
        `${label.padEnd(6)} ${n} files: ${ms.toFixed(0)} ms, ${after.total - before.total} requests (${after.mutating - before.mutating} mutating) ${JSON.stringify(requests)} result ${JSON.stringify(report.filesets[0].result)}`,
      );
    }
  } finally {
    await client.close();
    emu.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
