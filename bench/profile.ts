/**
 * Summarises a V8 .cpuprofile (from node --cpu-prof): self time per function, heaviest first.
 *   node dist/bench/profile.js FILE.cpuprofile [TOP]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) per function key "name url:line", from a parsed profile. */
function selfTimes(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    if (!n) continue;
    const f = n.callFrame;
    const where = f.url
      ? `${f.url
          .replace(/^file:\/\//, '')
          .split('/node_modules/')
          .pop()}:${f.lineNumber + 1}`
      : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return out;
}

/** The top functions by self time as text lines with their share of the total. */
export function summarizeProfile(file: string, top = 20): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const times = selfTimes(profile);
  const total = [...times.values()].reduce((a, b) => a + b, 0);
  return [...times.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
    .concat([`${total.toFixed(0).padStart(7)} ms total (${path.basename(file)})`])
    .join('\n');
}

if (require.main === module) {
  const [file, top, callers] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/profile.js FILE.cpuprofile [TOP] [FUNCTION-NAME-TO-SHOW-CALLERS-OF]\n');
    process.exit(1);
  }
  if (callers) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
    const rows = [...callersOf(profile, callers).entries()].sort((a, b) => b[1] - a[1]).slice(0, top ? Number(top) : 10);
    process.stdout.write(rows.map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${k}`).join('\n') + '\n');
  } else {
    process.stdout.write(summarizeProfile(file, top ? Number(top) : 25) + '\n');
  }
}

/** Callers (two frames up) of the functions named `name`, with the self time spent under each. */
function callersOf(profile: CpuProfile, name: string, depth = 3): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    if (!n || n.callFrame.functionName !== name) continue;
    const chain: string[] = [];
    let p = parent.get(n.id);
    while (p != null && chain.length < depth) {
      const f = byId.get(p)!.callFrame;
      chain.push(`${f.functionName || '(anon)'}@${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`);
      p = parent.get(p);
    }
    const key = chain.join(' < ');
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return out;
}
