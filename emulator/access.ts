/** Permissions on FileSets: the caller's effective permission, grant updates and ownership transfer. */
import { errors } from './errors';
import type { EntityType, FileSetRecord, Grant, Permission } from './store/types';
import type { Caller } from './users';

const RANK: Record<Permission, number> = { NONE: 0, READ: 1, EDIT: 2, OWNER: 3 };
const PERMISSIONS = Object.keys(RANK) as Permission[];

/** Whether `have` includes `need`. */
export function allows(have: Permission, need: Permission): boolean {
  return RANK[have] >= RANK[need];
}

/** The caller's permission: OWNER for the owner, else the strongest grant to the user or one of its groups. */
export function permissionOf(fs: FileSetRecord, caller: Caller): Permission {
  if (fs.owner === String(caller.userId)) return 'OWNER';
  let best: Permission = 'NONE';
  for (const g of fs.grants) {
    const mine = g.entityType === 'USER' ? g.entityId === caller.userId : caller.groups.includes(g.entityId);
    if (mine && RANK[g.permission] > RANK[best]) best = g.permission;
  }
  return best;
}

/** One entry of the access answer. */
export interface AccessEntry {
  entityId: number;
  entityType: EntityType;
  permission: Permission;
}

/** The access answer: the owner first, then every grant. */
export function accessWire(fs: FileSetRecord): { fileSetId: string; fileSetAccess: AccessEntry[] } {
  return {
    fileSetId: fs.id,
    fileSetAccess: [{ entityId: Number(fs.owner), entityType: 'USER', permission: 'OWNER' }, ...fs.grants.map((g) => ({ ...g }))],
  };
}

function entityId(v: unknown, at: string): number {
  const n = typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw errors.badRequest(`${at}.entityId must be a positive integer`);
  return n;
}

/** Parses an access update body: `fileSetAccess`, or `indexAccess` as the v1.0.0 spec names it. */
export function parseAccessUpdate(body: unknown): AccessEntry[] {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const key = b.fileSetAccess !== undefined ? 'fileSetAccess' : 'indexAccess';
  const list = b[key];
  if (!Array.isArray(list)) throw errors.badRequest('fileSetAccess must be an array of {entityId, entityType, permission}');
  return list.map((raw, i) => {
    const at = `${key}[${i}]`;
    const e = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    if (e.entityType !== 'USER' && e.entityType !== 'GROUP') throw errors.badRequest(`${at}.entityType must be USER or GROUP`);
    if (!PERMISSIONS.includes(e.permission as Permission)) throw errors.badRequest(`${at}.permission must be one of ${PERMISSIONS.join(', ')}`);
    return { entityId: entityId(e.entityId, at), entityType: e.entityType, permission: e.permission as Permission };
  });
}

/** The grants after an update: only the entities sent change; NONE revokes. The owner's own entry cannot change. */
export function applyAccessUpdate(fs: FileSetRecord, update: AccessEntry[]): Grant[] {
  const key = (t: EntityType, id: number): string => `${t}:${id}`;
  const next = new Map(fs.grants.map((g) => [key(g.entityType, g.entityId), g]));
  for (const e of update) {
    if (e.entityType === 'USER' && String(e.entityId) === fs.owner) {
      if (e.permission === 'OWNER') continue;
      throw errors.badRequest(`user ${e.entityId} owns this FileSet; transfer ownership before changing its permission`);
    }
    if (e.permission === 'NONE') next.delete(key(e.entityType, e.entityId));
    else next.set(key(e.entityType, e.entityId), { entityId: e.entityId, entityType: e.entityType, permission: e.permission });
  }
  return [...next.values()];
}

/** The record after `userId` becomes the one owner; the previous owner keeps EDIT. */
export function transferOwnership(fs: FileSetRecord, userId: number): FileSetRecord {
  if (String(userId) === fs.owner) return fs;
  const grants = fs.grants.filter((g) => !(g.entityType === 'USER' && (g.entityId === userId || String(g.entityId) === fs.owner)));
  grants.push({ entityId: Number(fs.owner), entityType: 'USER', permission: 'EDIT' });
  return { ...fs, owner: String(userId), grants };
}
