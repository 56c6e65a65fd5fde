/** FileSet-level changes (update, grant, revoke, transfer) as words, for reports and error messages. */
import type { FileSetChange } from './types';

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
