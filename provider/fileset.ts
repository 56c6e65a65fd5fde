/**
 * The FileSet resource: one Domo FileSet. name, description and aiEnabled update in place; connector,
 * accountId and connectorContext are identity and replace.
 */
import * as pulumi from '@pulumi/pulumi';
import type { ConnectorContext, FileSet as ApiFileSet, UpdateFileSetRequest } from '../client/types';
import * as runtimeModule from './runtime';
import type { Failure } from './wire';
import * as wireModule from './wire';

// Plain copies of the helper modules, so the serialized provider carries their code by value. Referenced as
// modules, they would serialize as require("domo-filesets/dist/provider/…") in a user's project: a private
// path the package does not export, and one that ties old state to this version's file layout.
const wire = { ...wireModule };
const rt = { ...runtimeModule };

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
  wire.requireString(f, news, 'name');
  wire.optionalType(f, news, 'description', 'string');
  wire.optionalType(f, news, 'aiEnabled', 'boolean');
  wire.optionalType(f, news, 'connector', 'string');
  wire.optionalType(f, news, 'accountId', 'number');
  wire.optionalType(f, news, 'forceDestroy', 'boolean');
  const cc = news.connectorContext;
  if (cc !== undefined && cc !== null && !wire.isUnknown(cc)) {
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
  async configure(req) {
    rt.storeCredentials(req.config);
  },

  async check(_olds, news) {
    const failures = checkFileSet(news as unknown as Record<string, unknown>);
    return failures.length ? { inputs: news, failures } : { inputs: news };
  },

  async diff(_id, olds, news) {
    const o = normalize(olds as unknown as Record<string, unknown>);
    const n = normalize(news as unknown as Record<string, unknown>);
    if (news.forceDestroy === undefined) n.forceDestroy = undefined;
    const replaces = wire.changedKeys(o, n, FILESET_REPLACE_KEYS);
    const updates = wire.changedKeys(o, n, FILESET_UPDATE_KEYS);
    // forceDestroy absent means false: turning it off must reach the state before a destroy reads it.
    if (news.forceDestroy === undefined && olds.forceDestroy === true) updates.push('forceDestroy');
    return { changes: replaces.length + updates.length > 0, replaces };
  },

  async create(inputs) {
    return rt.withClient(async (client) => {
      let created: ApiFileSet;
      try {
        created = await client.createFileSet(wire.compact({
          name: inputs.name,
          description: inputs.description,
          aiEnabled: inputs.aiEnabled,
          connector: inputs.connector,
          accountId: inputs.accountId,
          connectorContext: inputs.connectorContext,
        }));
      } catch (e) {
        throw wire.failure(`creating FileSet "${inputs.name}"`, e);
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
          const message = `${wire.describeError(`creating FileSet "${inputs.name}"`, e)}; rolling back ${created.id} failed too (${wire.describeError('delete', rollback)}), so it is kept in the state`;
          throw wire.partialFailure(message, created.id, {
            ...toOutputs(created, inputs.forceDestroy),
            [wire.PROVIDER_KEY]: (inputs as FileSetInputs & { __provider?: string }).__provider,
          });
        }
        throw wire.failure(`creating FileSet "${inputs.name}" (rolled back ${created.id})`, e);
      }
    });
  },

  async read(id, props) {
    return rt.withClient(async (client) => {
      let fs: ApiFileSet;
      try {
        fs = await client.getFileSet(id);
      } catch (e) {
        if (wire.isNotFound(e)) return {};
        throw wire.failure(`reading FileSet ${id}`, e);
      }
      const outs = toOutputs(fs, props && props.forceDestroy);
      const inputs = wire.compact({
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
      const { __provider: _p, ...rest } = olds as FileSetOutputs & { __provider?: string };
      return { outs: { ...rest, forceDestroy: news.forceDestroy === true } };
    }
    return rt.withClient(async (client) => {
      try {
        const fs = await client.updateFileSet(id, req);
        return { outs: toOutputs(fs, news.forceDestroy) };
      } catch (e) {
        if (wire.isNotFound(e)) throw wire.failure(`updating FileSet ${id}: it no longer exists (run pulumi refresh)`, e);
        throw wire.failure(`updating FileSet ${id}`, e);
      }
    });
  },

  async delete(id, props) {
    await rt.withClient(async (client) => {
      let heldPath: string | undefined;
      try {
        if (props.forceDestroy !== true) {
          for await (const entry of client.listFiles(id, { filesOnly: true, limit: 1 })) {
            heldPath = entry.path;
            break;
          }
        }
        if (heldPath === undefined) await client.deleteFileSet(id);
      } catch (e) {
        if (wire.isNotFound(e)) return;
        throw wire.failure(`deleting FileSet ${id}`, e);
      }
      if (heldPath !== undefined) {
        throw new Error(
          `refusing to delete FileSet "${props.name}" (${id}): it still holds files (e.g. "${heldPath}"); ` +
            'set forceDestroy: true on it and run pulumi up first to delete it with its files, or remove the files',
        );
      }
    });
  },
};

/** Every output key as undefined: dynamic resources only get output properties for keys present in props. */
const FILESET_OUTPUT_PROPS: Record<keyof FileSetOutputs, undefined> = {
  name: undefined,
  description: undefined,
  aiEnabled: undefined,
  connector: undefined,
  accountId: undefined,
  connectorContext: undefined,
  indexStatus: undefined,
  created: undefined,
  createdBy: undefined,
  updated: undefined,
  updatedBy: undefined,
  owner: undefined,
  permission: undefined,
  size: undefined,
  fileCount: undefined,
  forceDestroy: undefined,
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

/** A Domo FileSet. The resource id is the FileSet id. */
export class FileSet extends pulumi.dynamic.Resource {
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
    super(fileSetProvider, name, { ...FILESET_OUTPUT_PROPS, ...(args || {}) }, opts, 'domo-filesets', 'FileSet');
  }

  /** Adopts or looks up an existing FileSet by id (`pulumi import`-style: the provider reads it). */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): FileSet {
    return new FileSet(name, undefined as unknown as FileSetArgs, { ...opts, id });
  }
}

