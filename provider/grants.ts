/**
 * Grants and owners for FileSetAccess and FileSet.owner: the program's grant list checked and put in one
 * order, converted to and from the access API's entries, and the rule that refuses an ownership transfer the
 * tool may not survive.
 *
 * Functions here travel inside `__provider` by value; like provider/inputs.ts they reference local names only
 * (the loader's functions are passed in by the callers, which take them from `kit.loaderLib()`).
 */
import type { AccessEntry, DomoFilesClient, FileSet } from '../client';
import type { FileSetChange, Grant } from '../loader';
import type { Failure } from './inputs';

/** A permission a FileSetAccess grant may give. */
export type GrantPermission = 'READ' | 'EDIT' | 'OWNER';

/** One grant as a program declares it: exactly one of `user` and `group` (ids), and a permission. */
export interface FileSetGrant {
  user?: number;
  group?: number;
  permission: GrantPermission;
}

const GRANT_PERMISSIONS = ['READ', 'EDIT', 'OWNER'];
const GRANT_KEYS = ['user', 'group', 'permission'];

/** "user 7" / "group 70". */
export function principalOf(g: FileSetGrant): string {
  return g.user !== undefined ? `user ${g.user}` : `group ${g.group}`;
}

/** Users first, then groups, each by id: the one order grants are kept in (inputs and outputs). */
export function sortGrants(grants: readonly FileSetGrant[]): FileSetGrant[] {
  const rank = (g: FileSetGrant): [number, number] => (g.user !== undefined ? [0, g.user] : [1, g.group ?? 0]);
  return [...grants].sort((a, b) => {
    const [ka, ia] = rank(a);
    const [kb, ib] = rank(b);
    return ka - kb || ia - ib;
  });
}

/**
 * Checks a list of grants (every value known): each an object with exactly one of `user` or `group` (a
 * positive whole number) and a permission of READ, EDIT or OWNER; no principal twice. Returns the list in
 * the one order when it is valid.
 */
export function checkGrants(f: Failure[], value: unknown): FileSetGrant[] | undefined {
  if (!Array.isArray(value)) {
    f.push({
      property: 'grants',
      reason: "grants is required: a list of {user: ID | group: ID, permission: READ | EDIT | OWNER} (an empty list revokes every grant but the owner's)",
    });
    return undefined;
  }
  const before = f.length;
  const seen = new Map<string, number>();
  const out: FileSetGrant[] = [];
  value.forEach((raw: unknown, i) => {
    const at = `grants[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      f.push({ property: 'grants', reason: `${at} must be an object {user: ID | group: ID, permission}` });
      return;
    }
    const g = raw as Record<string, unknown>;
    const extra = Object.keys(g).filter((k) => !GRANT_KEYS.includes(k) && g[k] !== undefined);
    if (extra.length > 0) f.push({ property: 'grants', reason: `${at} has an unknown key '${extra[0]}' (expected user or group, and permission)` });
    const hasUser = g.user !== undefined && g.user !== null;
    const hasGroup = g.group !== undefined && g.group !== null;
    if (hasUser === hasGroup) {
      f.push({ property: 'grants', reason: `${at} must name exactly one of user or group` });
      return;
    }
    const kind = hasUser ? 'user' : 'group';
    const id = g[kind];
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
      f.push({ property: 'grants', reason: `${at}.${kind} must be a positive whole number (an id), got ${JSON.stringify(id)}` });
      return;
    }
    if (typeof g.permission !== 'string' || !GRANT_PERMISSIONS.includes(g.permission)) {
      f.push({ property: 'grants', reason: `${at}.permission must be one of ${GRANT_PERMISSIONS.join(', ')}, got ${JSON.stringify(g.permission)}` });
      return;
    }
    const key = `${kind} ${id}`;
    const first = seen.get(key);
    if (first !== undefined) {
      f.push({ property: 'grants', reason: `${key} is listed twice (grants[${first}] and ${at}); give each user or group one permission` });
      return;
    }
    seen.set(key, i);
    out.push(kind === 'user' ? { user: id, permission: g.permission as GrantPermission } : { group: id, permission: g.permission as GrantPermission });
  });
  return f.length === before ? sortGrants(out) : undefined;
}

/** Grants as the loader's desired list. */
export function toLoaderGrants(grants: readonly FileSetGrant[]): Grant[] {
  return grants.map((g) => ({
    principal: g.user !== undefined ? { type: 'USER' as const, id: g.user } : { type: 'GROUP' as const, id: g.group as number },
    permission: g.permission,
  }));
}

/** Grants as access entries (what a FileSet's access list held when they were recorded). */
export function toEntries(grants: readonly FileSetGrant[]): AccessEntry[] {
  return grants.map((g) =>
    g.user !== undefined
      ? { entityType: 'USER' as const, entityId: g.user, permission: g.permission }
      : { entityType: 'GROUP' as const, entityId: g.group as number, permission: g.permission },
  );
}

/** A FileSet's grants from its access list: the owner's own entry and NONE left out, in the one order. */
export function grantsOf(entries: readonly AccessEntry[], owner: number | null): FileSetGrant[] {
  const out: FileSetGrant[] = [];
  for (const e of entries) {
    if (e.permission === 'NONE') continue;
    if (e.entityType === 'USER' && e.entityId === owner) continue;
    const permission = e.permission as GrantPermission;
    out.push(e.entityType === 'USER' ? { user: e.entityId, permission } : { group: e.entityId, permission });
  }
  return sortGrants(out);
}

/** The access update that makes the grant and revoke changes (one request: the API changes only what is sent). */
export function changeEntries(changes: readonly FileSetChange[]): AccessEntry[] {
  const out: AccessEntry[] = [];
  for (const c of changes) {
    if (c.op === 'grant') out.push({ entityType: c.principal.type, entityId: c.principal.id, permission: c.permission });
    else if (c.op === 'revoke') out.push({ entityType: c.principal.type, entityId: c.principal.id, permission: 'NONE' });
  }
  return out;
}

/**
 * The FileSet's owner as a user id (the loader's rule: its `owner` field when numeric, else the one USER
 * entry holding OWNER in its access list, read only when needed; null when neither tells).
 */
export async function currentOwner(
  client: DomoFilesClient,
  fs: FileSet,
  ownerOf: (fs: Pick<FileSet, 'owner'>, access: readonly AccessEntry[] | null) => number | null,
  access?: readonly AccessEntry[],
): Promise<number | null> {
  const known = ownerOf(fs, access ?? null);
  if (known !== null || access !== undefined) return known;
  const list = await client.getAccess(fs.id).then(
    (a) => a.fileSetAccess,
    () => null,
  );
  return ownerOf(fs, list);
}

/**
 * Why moving the FileSet to `owner` is refused, or undefined when it is allowed. The manifest's rule: moving
 * it away from its current owner while the token's user holds OWNER on it (so the token's user is the one
 * losing ownership, and may lose access with it) needs `allowOwnerTransfer: true`. `current` undefined means
 * the FileSet does not exist yet: this program creates it, so the token's user will own it.
 */
export function transferRefusal(
  name: string,
  owner: number,
  current: { owner: number | null; permission: string | null } | undefined,
  allow: boolean,
): string | undefined {
  if (allow) return undefined;
  if (current === undefined) {
    return `owner ${owner} would move FileSet '${name}' away from this token's user (who owns a FileSet it creates), who may then lose access; set allowOwnerTransfer: true to allow it`;
  }
  if (current.owner === owner || current.permission !== 'OWNER') return undefined;
  return `owner ${owner} would move FileSet '${name}' away from user ${current.owner ?? '?'}, this token's user, who may then lose access; set allowOwnerTransfer: true to allow it`;
}
