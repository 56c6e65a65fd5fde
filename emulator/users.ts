/** Who a request acts as: developer tokens → users and their groups. */
import { errors } from './errors';
import type { EmulatorUser } from './types';

/** The user any token not listed in `users` acts as. */
const DEFAULT_USER_ID = 1;

/** The user a request acts as. */
export interface Caller {
  userId: number;
  groups: readonly number[];
}

/** A caller with no rights: the content route, which its download token alone authorizes. */
export const NOBODY: Caller = { userId: 0, groups: [] };

function isId(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;
}

/** Validates the users option; one line naming the bad entry. */
export function validateUsers(users: EmulatorUser[] | undefined): void {
  if (users === undefined) return;
  if (!Array.isArray(users)) throw new Error('users must be an array of {token, userId, groups}');
  const seen = new Set<string>();
  users.forEach((u, i) => {
    if (!u || typeof u.token !== 'string' || u.token === '') throw new Error(`users[${i}].token must be a non-empty string`);
    if (seen.has(u.token)) throw new Error(`users[${i}]: the same token is listed twice`);
    seen.add(u.token);
    if (!isId(u.userId)) throw new Error(`users[${i}].userId must be an integer >= 1, got ${JSON.stringify(u.userId)}`);
    if (u.groups !== undefined && (!Array.isArray(u.groups) || !u.groups.every(isId))) throw new Error(`users[${i}].groups must be integers >= 1`);
  });
}

/** Resolves the developer token of a request. */
export class Users {
  private readonly byToken: Map<string, Caller>;

  /** `token`: when set, the only token besides the listed ones that is accepted (as the default user). */
  constructor(
    users: EmulatorUser[] = [],
    private readonly token?: string,
  ) {
    this.byToken = new Map(users.map((u) => [u.token, { userId: u.userId, groups: [...(u.groups ?? [])] }]));
  }

  /** The caller for a token header value; 401 when it is missing or not accepted. */
  authenticate(header: string | string[] | undefined): Caller {
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) throw errors.unauthorized('Missing X-DOMO-Developer-Token header');
    const listed = this.byToken.get(token);
    if (listed) return listed;
    if (this.token !== undefined && token !== this.token) throw errors.unauthorized('Invalid X-DOMO-Developer-Token');
    return { userId: DEFAULT_USER_ID, groups: [] };
  }
}
