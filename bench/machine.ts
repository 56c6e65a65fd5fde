/** Facts about the machine a run happened on, for the report's header. */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import type { MachineInfo } from './types';

function firstLine(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0 || r.error) return null;
  return (r.stdout || r.stderr).split('\n')[0].trim() || null;
}

/** CPU model, cores, memory, Node and the baseline tools' versions. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    openssl: firstLine('openssl', ['version']),
    rclone: firstLine('rclone', ['version']),
    curl: firstLine('curl', ['--version']),
  };
}

/** The commit the benchmark ran on (with "+dirty" when the tree has changes), or null outside git. */
export function gitCommit(cwd: string): string | null {
  const head = firstLine('git', ['-C', cwd, 'rev-parse', '--short', 'HEAD']);
  if (!head) return null;
  const r = spawnSync('git', ['-C', cwd, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
  return r.stdout && r.stdout.trim() ? `${head}+dirty` : head;
}
