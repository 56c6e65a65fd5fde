/**
 * Everything the providers call at run time, as one plain object.
 *
 * The engine stores each provider as the text of its serialized closure (`__provider`) and runs that text in
 * its provider host. A provider method that referenced a module of this package would serialize as
 * `require("domo-filesets/dist/provider/…")` in a user's project: a private path the package does not
 * export, and one that would tie old state to this version's file layout. A plain object built from the
 * modules travels by value instead, so every provider file takes its helpers from a local copy of `kit`.
 */
import { prefixesOverlap } from '../loader/prefix';
import * as errors from './errors';
import * as grants from './grants';
import * as inputs from './inputs';
import * as runtime from './runtime';

/** The providers' helpers (input checks, errors, grants, credentials and the client and loader at run time). */
export const kit = { ...inputs, ...errors, ...grants, ...runtime, prefixesOverlap };
