/** FileSet-level changes (update, grant, revoke, transfer): how they are worked out, and as words. */
import type { AccessEntry, FileSet } from '../client';
import type { FileSetChange, Grant, Permission, Principal } from './types';
import { compareUtf16 } from './order';

/** "update description", "grant USER 12 READ", … */
export function describeChange(c: FileSetChange): string {
  switch (c.op) {
    case 'update':
      return `update ${c.field}`;
    case 'grant':
      return `grant ${c.principal.type.toLowerCase()} ${c.principal.id} ${c.permission}`;
    case 'revoke':
      return `revoke ${c.principal.type.toLowerCase()} ${c.principal.id}`;
    default:
      return `transfer ownership to user ${c.to}`;
  }
}

/** A principal as a map key. */
function keyOf(p: Principal): string {
  return `${p.type}:${p.id}`;
}

/**
 * The grants and revokes that make a FileSet's access list exactly `desired`: a principal listed with
 * another permission (or not at all) is granted, one not listed is revoked — except the owner, whose grant
 * is ownership's business (see transfer), never revoked by reconciling.
 */
export function accessChanges(current: readonly AccessEntry[], owner: number | null, desired: readonly Grant[]): FileSetChange[] {
  const now = new Map<string, { principal: Principal; permission: Permission }>();
  for (const e of current) {
    if (e.permission === 'NONE') continue;
    const principal: Principal = { type: e.entityType, id: e.entityId };
    now.set(keyOf(principal), { principal, permission: e.permission });
  }
  const isOwner = (p: Principal): boolean => p.type === 'USER' && owner !== null && p.id === owner;
  const out: FileSetChange[] = [];
  const wanted = new Set<string>();
  for (const g of desired) {
    wanted.add(keyOf(g.principal));
    if (isOwner(g.principal)) continue;
    const have = now.get(keyOf(g.principal));
    if (have?.permission !== g.permission) out.push({ op: 'grant', principal: g.principal, permission: g.permission, from: have?.permission ?? null });
  }
  for (const [k, have] of now) {
    if (!wanted.has(k) && !isOwner(have.principal)) out.push({ op: 'revoke', principal: have.principal, from: have.permission });
  }
  return out.sort((a, b) => compareUtf16(describeChange(a), describeChange(b)));
}

/**
 * The FileSet's owner as a user id: its `owner` field when numeric, else the USER entry holding OWNER in the
 * access list when there is exactly one (null when neither tells).
 */
export function ownerOf(fs: Pick<FileSet, 'owner'>, access: readonly AccessEntry[] | null): number | null {
  if (fs.owner !== null && /^\d+$/.test(fs.owner.trim())) return Number(fs.owner.trim());
  const owners = (access ?? []).filter((e) => e.entityType === 'USER' && e.permission === 'OWNER');
  return owners.length === 1 ? owners[0].entityId : null;
}
