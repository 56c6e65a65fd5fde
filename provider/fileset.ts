/**
 * The FileSet resource: one Domo FileSet. name, description and aiEnabled update in place; connector,
 * accountId and connectorContext are identity and replace.
 */
import * as pulumi from '@pulumi/pulumi';
import type { DomoFilesClient } from '../client';
import type { ConnectorContext, FileEntry, FileSet as ApiFileSet, UpdateFileSetRequest } from '../client/types';
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
  owner: string | null;
  permission: string | null;
  size: number | null;
  fileCount: number | null;
  forceDestroy: boolean;
}

/** Fields that identify a FileSet: changing one replaces it. */
const FILESET_REPLACE_KEYS = ['connector', 'accountId', 'connectorContext'] as const;
/** Fields updated in place (forceDestroy only changes what delete does). */
const FILESET_UPDATE_KEYS = ['name', 'description', 'aiEnabled', 'forceDestroy'] as const;

function toOutputs(fs: ApiFileSet, forceDestroy: unknown): FileSetOutputs {
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
    owner: fs.owner,
    permission: fs.permission,
    size: fs.size,
    fileCount: fs.fileCount,
    forceDestroy: forceDestroy === true,
  };
}

/** Old outputs and new inputs agree on description when both are empty (the API answers null for ""). */
function normalize(o: Record<string, unknown>): Record<string, unknown> {
  return { ...o, description: o.description === null ? '' : o.description, forceDestroy: o.forceDestroy === true };
}

function checkFileSet(news: Record<string, unknown>): Failure[] {
  const f: Failure[] = [];
  kit.requireString(f, news, 'name');
  kit.optionalType(f, news, 'description', 'string');
  kit.optionalType(f, news, 'aiEnabled', 'boolean');
  kit.optionalType(f, news, 'connector', 'string');
  kit.optionalType(f, news, 'accountId', 'number');
  kit.optionalType(f, news, 'forceDestroy', 'boolean');
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

/** The FileSet's provider: what travels to the engine's provider host. */
export const fileSetProvider: pulumi.dynamic.ResourceProvider<FileSetInputs, FileSetOutputs> = {
  configure: kit.configure,

  async check(_olds, news) {
    const failures = checkFileSet(news as unknown as Record<string, unknown>);
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
    return { changes: replaces.length + updates.length > 0, replaces };
  },

  async create(inputs) {
    return kit.withClient(async (client) => {
      let created: ApiFileSet;
      try {
        created = await client.createFileSet(kit.compact({
          name: inputs.name,
          description: inputs.description,
          aiEnabled: inputs.aiEnabled,
          connector: inputs.connector,
          accountId: inputs.accountId,
          connectorContext: inputs.connectorContext,
        }));
      } catch (e) {
        throw kit.failure(`creating FileSet "${inputs.name}"`, e);
      }
      try {
        // Read back: the create response may omit server-filled fields; a failure here undoes the create.
        const full = await client.getFileSet(created.id);
        return { id: created.id, outs: toOutputs(full, inputs.forceDestroy) };
      } catch (e) {
        try {
          await client.deleteFileSet(created.id);
        } catch (rollback) {
          // It exists and could not be undone: hand the id to the engine so state tracks it (ErrorResourceInitFailed).
          const message = `${kit.describeError(`creating FileSet "${inputs.name}"`, e)}; rolling back ${created.id} failed too (${kit.describeError('delete', rollback)}), so it is kept in the state`;
          throw kit.partialFailure(message, created.id, toOutputs(created, inputs.forceDestroy), inputs);
        }
        throw kit.failure(`creating FileSet "${inputs.name}" (rolled back ${created.id})`, e);
      }
    });
  },

  async read(id, props) {
    return kit.withClient(async (client) => {
      let fs: ApiFileSet;
      try {
        fs = await client.getFileSet(id);
      } catch (e) {
        if (kit.isNotFound(e)) return {};
        throw kit.failure(`reading FileSet ${id}`, e, 'READ');
      }
      const outs = toOutputs(fs, props && props.forceDestroy);
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
    if (Object.keys(req).length === 0) {
      return { outs: { ...kit.withoutProvider(olds), forceDestroy: news.forceDestroy === true } };
    }
    return kit.withClient(async (client) => {
      try {
        const fs = await client.updateFileSet(id, req);
        return { outs: toOutputs(fs, news.forceDestroy) };
      } catch (e) {
        if (kit.isNotFound(e)) throw kit.failure(`updating FileSet ${id}: it no longer exists (run pulumi refresh)`, e);
        throw kit.failure(`updating FileSet ${id}`, e, 'EDIT');
      }
    });
  },

  async delete(id, props) {
    await kit.withClient(async (client) => {
      let held: string | undefined;
      try {
        if (props.forceDestroy !== true) held = await firstFilePath(client, id);
        if (held === undefined) held = await deleteEmptying(client, id, props.forceDestroy === true);
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

/**
 * Deletes the FileSet. A server that keeps a FileSet while it has entries answers 409: then its top-level
 * entries are deleted by id (a directory goes with its children) and the delete is tried again. Without
 * `force` that happens only while it holds no file (empty directories); returns the path of a file that
 * showed up instead, and leaves it.
 */
async function deleteEmptying(client: DomoFilesClient, id: string, force: boolean): Promise<string | undefined> {
  for (let round = 0; ; round += 1) {
    try {
      await client.deleteFileSet(id);
      return undefined;
    } catch (e) {
      if (kit.errorCode(e) !== 'CONFLICT' || round >= 2) throw e;
    }
    const entries: FileEntry[] = [];
    for await (const entry of client.listFiles(id)) entries.push(entry);
    const file = entries.find((e) => !e.isDirectory);
    if (!force && file) return file.path;
    const paths = new Set(entries.map((e) => e.path));
    const hasListedParent = (p: string): boolean => {
      for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) if (paths.has(p.slice(0, i))) return true;
      return false;
    };
    for (const entry of entries) {
      if (hasListedParent(entry.path)) continue;
      try {
        await client.deleteFile(id, entry.id);
      } catch (e) {
        if (!kit.isNotFound(e)) throw e;
      }
    }
  }
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
  declare readonly owner: pulumi.Output<string | null>;
  declare readonly permission: pulumi.Output<string | null>;
  declare readonly size: pulumi.Output<number | null>;
  declare readonly fileCount: pulumi.Output<number | null>;
  declare readonly forceDestroy: pulumi.Output<boolean>;

  constructor(name: string, args: FileSetArgs, opts?: pulumi.CustomResourceOptions) {
    super(fileSetProvider, 'FileSet', FILESET_OUTPUTS, name, args, opts);
  }
}
