/**
 * The FileSet resource: one Domo FileSet. name, description and aiEnabled update in place, owner transfers
 * ownership in place; connector, accountId and connectorContext are identity and replace.
 */
import * as pulumi from '@pulumi/pulumi';
import type { DomoFilesClient } from '../client';
import type { ConnectorContext, FileSet as ApiFileSet, UpdateFileSetRequest } from '../client/types';
import type { Failure } from './inputs';
import { kit as sharedKit } from './kit';
import { DomoResource, type OutputKeys } from './resource';

// A local copy, so the serialized provider carries the helpers by value (see provider/kit.ts).
const kit = sharedKit;

/** Inputs of a FileSet as the provider sees them (after the engine resolved them). */
export interface FileSetInputs {
  name: string;
  description?: string;
  aiEnabled?: boolean;
  connector?: string;
  accountId?: number;
  connectorContext?: ConnectorContext;
  forceDestroy?: boolean;
  /** User id that must own the FileSet. */
  owner?: number;
  /** Allow `owner` to move the FileSet away from the token's user (read by check, diff and update only). */
  allowOwnerTransfer?: boolean;
}

/** Outputs of a FileSet: the API's FileSet plus forceDestroy (read again by delete). */
export interface FileSetOutputs {
  name: string;
  description: string | null;
  aiEnabled: boolean | null;
  connector: string | null;
  accountId: number | null;
  connectorContext: ConnectorContext | null;
  indexStatus: string | null;
  created: string | null;
  createdBy: string | null;
  updated: string | null;
  updatedBy: string | null;
  /** The owner's user id (null when the server tells neither in the FileSet nor in its access list). */
  owner: number | null;
  /** The token's user's permission on the FileSet. */
  permission: string | null;
  size: number | null;
  fileCount: number | null;
  forceDestroy: boolean;
}

/** Fields that identify a FileSet: changing one replaces it. */
const FILESET_REPLACE_KEYS = ['connector', 'accountId', 'connectorContext'] as const;
/** Fields updated in place (forceDestroy only changes what delete does; owner transfers ownership). */
const FILESET_UPDATE_KEYS = ['name', 'description', 'aiEnabled', 'forceDestroy', 'owner'] as const;

function toOutputs(fs: ApiFileSet, forceDestroy: unknown, owner: number | null): FileSetOutputs {
  return {
    name: fs.name,
    description: fs.description,
    aiEnabled: fs.aiEnabled,
    connector: fs.connector,
    accountId: fs.accountId,
    connectorContext: fs.connectorContext,
    indexStatus: fs.indexStatus,
    created: fs.created,
    createdBy: fs.createdBy,
    updated: fs.updated,
    updatedBy: fs.updatedBy,
    owner,
    permission: fs.permission,
    size: fs.size,
    fileCount: fs.fileCount,
    forceDestroy: forceDestroy === true,
  };
}

/**
 * Old outputs and new inputs compared as equals: description empty on both (the API answers null for ""), and
 * the owner a number (state written before owner was an input holds the API's string).
 */
function normalize(o: Record<string, unknown>): Record<string, unknown> {
  const owner = typeof o.owner === 'string' && /^\d+$/.test(o.owner.trim()) ? Number(o.owner.trim()) : o.owner;
  return { ...o, description: o.description === null ? '' : o.description, forceDestroy: o.forceDestroy === true, owner };
}

function checkFileSet(news: Record<string, unknown>): Failure[] {
  const f: Failure[] = [];
  kit.requireString(f, news, 'name');
  kit.optionalType(f, news, 'description', 'string');
  kit.optionalType(f, news, 'aiEnabled', 'boolean');
  kit.optionalType(f, news, 'connector', 'string');
  kit.optionalType(f, news, 'accountId', 'number');
  kit.optionalType(f, news, 'forceDestroy', 'boolean');
  kit.optionalType(f, news, 'allowOwnerTransfer', 'boolean');
  const owner = news.owner;
  if (owner !== undefined && owner !== null && !kit.isUnknown(owner) && !(typeof owner === 'number' && Number.isSafeInteger(owner) && owner >= 1)) {
    f.push({ property: 'owner', reason: `owner must be a user id (a positive whole number), got ${JSON.stringify(owner)}` });
  }
  const cc = news.connectorContext;
  if (cc !== undefined && cc !== null && !kit.isUnknown(cc)) {
    const c = cc as Record<string, unknown>;
    if (typeof cc !== 'object' || Array.isArray(cc) || typeof c.connector !== 'string' || c.connector === '') {
      f.push({ property: 'connectorContext', reason: 'connectorContext must be an object with a non-empty "connector" string' });
    } else if (c.relativePath !== undefined && c.relativePath !== null && typeof c.relativePath !== 'string') {
      f.push({ property: 'connectorContext', reason: 'connectorContext.relativePath must be a string' });
    }
  }
  return f;
}

/** The owner the program asks for, when it asks for one (a known user id). */
function wantedOwner(news: FileSetInputs): number | undefined {
  return typeof news.owner === 'number' ? news.owner : undefined;
}

/** The FileSet's owner now, read from the server (its access list only when the FileSet does not tell). */
function ownerNow(client: DomoFilesClient, fs: ApiFileSet): Promise<number | null> {
  return kit.currentOwner(client, fs, kit.loaderLib().ownerOf);
}

/**
 * Moves the FileSet to `owner` when it is someone else's, refusing (before anything changed) what
 * transferRefusal refuses. Returns the FileSet as it is afterwards, with its owner.
 */
async function settleOwner(client: DomoFilesClient, fs: ApiFileSet, news: FileSetInputs): Promise<{ fs: ApiFileSet; owner: number | null }> {
  const owner = await ownerNow(client, fs);
  const wanted = wantedOwner(news);
  if (wanted === undefined || wanted === owner) return { fs, owner };
  await client.transferOwnership(fs.id, wanted);
  const after = await client.getFileSet(fs.id);
  return { fs: after, owner: await ownerNow(client, after) };
}

/** The FileSet's provider: what travels to the engine's provider host. */
export const fileSetProvider: pulumi.dynamic.ResourceProvider<FileSetInputs, FileSetOutputs> = {
  configure: kit.configure,

  async check(olds, news) {
    const failures = checkFileSet(news as unknown as Record<string, unknown>);
    // Without old inputs this is a create (or a replace): the token's user will own the new FileSet, so an
    // owner is a transfer away from it. An existing FileSet's owner and permission are in its state, which
    // check does not get: diff and update apply the rule there.
    const creating = !olds || Object.keys(olds).length === 0;
    const owner = wantedOwner(news);
    if (creating && owner !== undefined && failures.length === 0 && !kit.isUnknown(news.allowOwnerTransfer)) {
      const refused = kit.transferRefusal(String(news.name), owner, undefined, news.allowOwnerTransfer === true);
      if (refused) failures.push({ property: 'owner', reason: refused });
    }
    return failures.length ? { inputs: news, failures } : { inputs: news };
  },

  async diff(_id, olds, news) {
    const o = normalize(olds as unknown as Record<string, unknown>);
    const n = normalize(news as unknown as Record<string, unknown>);
    if (news.forceDestroy === undefined) n.forceDestroy = undefined;
    const replaces = kit.changedKeys(o, n, FILESET_REPLACE_KEYS);
    const updates = kit.changedKeys(o, n, FILESET_UPDATE_KEYS);
    // forceDestroy absent means false: turning it off must reach the state before a destroy reads it.
    if (news.forceDestroy === undefined && olds.forceDestroy === true) updates.push('forceDestroy');
    const owner = wantedOwner(news);
    if (replaces.length === 0 && updates.includes('owner') && owner !== undefined && !kit.isUnknown(news.allowOwnerTransfer)) {
      // Refused here, in preview, since check cannot see the state: nothing has changed yet.
      const refused = kit.transferRefusal(
        String(olds.name),
        owner,
        { owner: o.owner as number | null, permission: olds.permission },
        news.allowOwnerTransfer === true,
      );
      if (refused) throw new Error(refused);
    }
    return { changes: replaces.length + updates.length > 0, replaces };
  },

  async create(inputs) {
    return kit.withClient(async (client) => {
      let created: ApiFileSet;
      try {
        created = await client.createFileSet(
          kit.compact({
            name: inputs.name,
            description: inputs.description,
            aiEnabled: inputs.aiEnabled,
            connector: inputs.connector,
            accountId: inputs.accountId,
            connectorContext: inputs.connectorContext,
          }),
        );
      } catch (e) {
        throw kit.failure(`creating FileSet "${inputs.name}"`, e);
      }
      try {
        // Read back (the create response may omit server-filled fields), then hand it to its owner; a failure
        // here undoes the create.
        const settled = await settleOwner(client, await client.getFileSet(created.id), inputs);
        return { id: created.id, outs: toOutputs(settled.fs, inputs.forceDestroy, settled.owner) };
      } catch (e) {
        try {
          await client.deleteFileSet(created.id);
        } catch (rollback) {
          // It exists and could not be undone: hand the id to the engine so state tracks it (ErrorResourceInitFailed).
          const message = `${kit.describeError(`creating FileSet "${inputs.name}"`, e)}; rolling back ${created.id} failed too (${kit.describeError('delete', rollback)}), so it is kept in the state`;
          throw kit.partialFailure(message, created.id, toOutputs(created, inputs.forceDestroy, null), inputs);
        }
        throw kit.failure(`creating FileSet "${inputs.name}" (rolled back ${created.id})`, e);
      }
    });
  },

  async read(id, props) {
    return kit.withClient(async (client) => {
      let fs: ApiFileSet;
      let owner: number | null;
      try {
        fs = await client.getFileSet(id);
        owner = await ownerNow(client, fs);
      } catch (e) {
        if (kit.isNotFound(e)) return {};
        throw kit.failure(`reading FileSet ${id}`, e, 'READ');
      }
      const outs = toOutputs(fs, props && props.forceDestroy, owner);
      const inputs = kit.compact({
        name: fs.name,
        description: fs.description === null ? undefined : fs.description,
        aiEnabled: fs.aiEnabled === null ? undefined : fs.aiEnabled,
        connector: fs.connector === null ? undefined : fs.connector,
        accountId: fs.accountId === null ? undefined : fs.accountId,
        connectorContext: fs.connectorContext === null ? undefined : fs.connectorContext,
        forceDestroy: outs.forceDestroy || undefined,
      }) as unknown as FileSetOutputs;
      return { id: fs.id, props: outs, inputs };
    });
  },

  async update(id, olds, news) {
    const o = normalize(olds as unknown as Record<string, unknown>);
    const n = normalize(news as unknown as Record<string, unknown>);
    const req: UpdateFileSetRequest = {};
    for (const k of ['name', 'description', 'aiEnabled'] as const) {
      if (news[k] !== undefined && o[k] !== n[k]) (req as Record<string, unknown>)[k] = news[k];
    }
    const owner = wantedOwner(news);
    const transfer = owner !== undefined && owner !== o.owner;
    if (Object.keys(req).length === 0 && !transfer) {
      return { outs: { ...kit.withoutProvider(olds), forceDestroy: news.forceDestroy === true } };
    }
    return kit.withClient(async (client) => {
      try {
        let fs = await client.getFileSet(id);
        if (transfer) {
          // The rule again, on the FileSet as it is now (the state diff judged may be old).
          const refused = kit.transferRefusal(
            fs.name,
            owner,
            { owner: await ownerNow(client, fs), permission: fs.permission },
            news.allowOwnerTransfer === true,
          );
          if (refused) throw new Error(refused);
        }
        // Fields first: once ownership moves, the token's user may no longer change them.
        if (Object.keys(req).length > 0) fs = await client.updateFileSet(id, req);
        const settled = await settleOwner(client, fs, news);
        return { outs: toOutputs(settled.fs, news.forceDestroy, settled.owner) };
      } catch (e) {
        if (kit.isNotFound(e)) throw kit.failure(`updating FileSet ${id}: it no longer exists (run pulumi refresh)`, e);
        throw kit.failure(`updating FileSet ${id}`, e, transfer ? 'OWNER' : 'EDIT');
      }
    });
  },

  async delete(id, props) {
    await kit.withClient(async (client) => {
      let held: string | undefined;
      try {
        if (props.forceDestroy !== true) held = await firstFilePath(client, id);
        // A FileSet without files (or with forceDestroy) goes with whatever entries it holds: on a server
        // that answers 409 for a FileSet holding entries, the client deletes them one by one and tries again.
        if (held === undefined) await client.deleteFileSet(id, { force: true, name: props.name });
      } catch (e) {
        if (kit.isNotFound(e)) return;
        throw kit.failure(`deleting FileSet ${id}`, e, 'OWNER');
      }
      if (held !== undefined) {
        throw new Error(
          `refusing to delete FileSet "${props.name}" (${id}): it still holds files (e.g. "${held}"); ` +
            'set forceDestroy: true on it and run pulumi up first to delete it with its files, or remove the files',
        );
      }
    });
  },
};

/** The path of some file in the FileSet, or undefined when it holds none. */
async function firstFilePath(client: DomoFilesClient, id: string): Promise<string | undefined> {
  for await (const entry of client.listFiles(id, { filesOnly: true, limit: 1 })) return entry.path;
  return undefined;
}

/** Every output key, so each becomes an output property. */
const FILESET_OUTPUTS: OutputKeys<FileSetOutputs> = {
  name: true,
  description: true,
  aiEnabled: true,
  connector: true,
  accountId: true,
  connectorContext: true,
  indexStatus: true,
  created: true,
  createdBy: true,
  updated: true,
  updatedBy: true,
  owner: true,
  permission: true,
  size: true,
  fileCount: true,
  forceDestroy: true,
};

/** Arguments of a FileSet. */
export interface FileSetArgs {
  /** The FileSet's name (updates in place). */
  name: pulumi.Input<string>;
  /** Description (updates in place; absent = left as it is). */
  description?: pulumi.Input<string>;
  /** Whether Domo indexes the files for AI search (updates in place). */
  aiEnabled?: pulumi.Input<boolean>;
  /** Connector type (replaces). */
  connector?: pulumi.Input<string>;
  /** Account of the connector (replaces). */
  accountId?: pulumi.Input<number>;
  /** Connector context (replaces). */
  connectorContext?: pulumi.Input<{ connector: pulumi.Input<string>; relativePath?: pulumi.Input<string> }>;
  /** Delete the FileSet even when it still holds files (default false: delete is refused). */
  forceDestroy?: pulumi.Input<boolean>;
  /**
   * User id that must own the FileSet (absent: ownership is not managed). A change transfers ownership in
   * place. Moving the FileSet away from the token's user needs allowOwnerTransfer.
   */
  owner?: pulumi.Input<number>;
  /** Allow `owner` to move the FileSet away from the token's user, who may then lose access (default false). */
  allowOwnerTransfer?: pulumi.Input<boolean>;
}

/** A Domo FileSet. The resource id is the FileSet id; `FileSet.get(name, id)` adopts an existing one. */
export class FileSet extends DomoResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | null>;
  declare readonly aiEnabled: pulumi.Output<boolean | null>;
  declare readonly connector: pulumi.Output<string | null>;
  declare readonly accountId: pulumi.Output<number | null>;
  declare readonly connectorContext: pulumi.Output<ConnectorContext | null>;
  declare readonly indexStatus: pulumi.Output<string | null>;
  declare readonly created: pulumi.Output<string | null>;
  declare readonly createdBy: pulumi.Output<string | null>;
  declare readonly updated: pulumi.Output<string | null>;
  declare readonly updatedBy: pulumi.Output<string | null>;
  declare readonly owner: pulumi.Output<number | null>;
  declare readonly permission: pulumi.Output<string | null>;
  declare readonly size: pulumi.Output<number | null>;
  declare readonly fileCount: pulumi.Output<number | null>;
  declare readonly forceDestroy: pulumi.Output<boolean>;

  constructor(name: string, args: FileSetArgs, opts?: pulumi.CustomResourceOptions) {
    super(fileSetProvider, 'FileSet', FILESET_OUTPUTS, name, args, opts);
  }
}
