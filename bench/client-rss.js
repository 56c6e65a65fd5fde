#!/usr/bin/env node
/**
 * Peak RSS of the client while uploading, then downloading, a large file (default 1 GiB) against the emulator
 * with a disk dataDir. The emulator runs in a child process so this process's maxRSS is the client's alone.
 *
 *   npm run build && node bench/client-rss.js [--size-mib 1024] [--single]
 *
 * --single forces one streamed multipart POST (no split upload); the default uses the client's defaults
 * (split upload at >= 256 MiB, 32 MiB parts, each part streamed from disk).
 */
const { Buffer } = require('node:buffer');
const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const { mkdtempSync, openSync, writeSync, closeSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const args = process.argv.slice(2);
const sizeMiB = Number(args[args.indexOf('--size-mib') + 1] || 0) || 1024;
const single = args.includes('--single');
const root = resolve(__dirname, '..');
const { DomoFilesClient } = require(join(root, 'dist/client'));

const mib = (kb) => Math.round((kb / 1024) * 10) / 10;
const peakKb = () => process.resourceUsage().maxRSS;

function makeFile(path, bytes) {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) % 251;
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  for (let written = 0; written < bytes; written += chunk.length) {
    chunk[0] = written / chunk.length; // make the chunks differ
    writeSync(fd, chunk);
    hash.update(chunk);
  }
  closeSync(fd);
  return hash.digest('hex');
}

function startEmulatorChild(dataDir) {
  const code = `require(${JSON.stringify(join(root, 'dist/emulator'))}).startEmulator({ token: 't', dataDir: ${JSON.stringify(dataDir)} }).then((e) => console.log(e.url));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolveUrl, reject) => {
    child.stdout.once('data', (d) => resolveUrl({ url: String(d).trim(), child }));
    child.once('exit', (c) => reject(new Error(`emulator exited with ${c}`)));
  });
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'client-rss-'));
  const src = join(tmp, 'big.bin');
  const out = join(tmp, 'big.out');
  const bytes = sizeMiB * 1024 * 1024;
  const { url, child } = await startEmulatorChild(join(tmp, 'data'));
  try {
    const expected = makeFile(src, bytes);
    const client = new DomoFilesClient({
      baseUrl: url,
      token: 't',
      env: {},
      ...(single ? { splitUploadThreshold: Number.MAX_SAFE_INTEGER } : {}),
    });
    const baseline = peakKb();
    const fs = await client.createFileSet({ name: 'rss' });
    let t = Date.now();
    const up = await client.uploadFile(fs.id, { path: 'bench/big.bin', source: { filePath: src }, expectedSha256: expected });
    const uploadMs = Date.now() - t;
    const afterUpload = peakKb();
    t = Date.now();
    const dl = await client.downloadFile(fs.id, { fileId: up.id }, { filePath: out });
    const downloadMs = Date.now() - t;
    const afterDownload = peakKb();
    await client.close();
    if (dl.sha256 !== expected) throw new Error('downloaded bytes differ');
    const report = {
      node: process.version,
      sizeMiB,
      uploadMode: single ? 'single multipart POST' : 'client defaults (split upload, 32 MiB parts)',
      peakRssMiB: { beforeTransfers: mib(baseline), afterUpload: mib(afterUpload), afterDownload: mib(afterDownload) },
      uploadMiBps: Math.round(sizeMiB / (uploadMs / 1000)),
      downloadMiBps: Math.round(sizeMiB / (downloadMs / 1000)),
      verified: { upload: up.hash === expected, download: dl.sha256 === expected },
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    child.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err && err.message ? err.message : err);
  process.exit(1);
});
