/**
 * The FileSetAccess resource: the whole grant list of one FileSet, authoritative as IAM policy resources are.
 * create and update make the FileSet's grants exactly the declared ones (the loader's accessChanges: grants
 * not listed are revoked, except the owner's entry, which is ownership's business); refresh records the
 * grants the FileSet holds, so grants added or changed elsewhere show as drift; delete revokes them. The
 * resource id is the FileSet id: one FileSetAccess per FileSet.
 */
import * as pulumi from '@pulumi/pulumi';
import type { AccessEntry, DomoFilesClient, FileSet as ApiFileSet } from '../client';
import type { Failure } from './inputs';
import type { FileSetGrant } from './grants';
import { kit as sharedKit } from './kit';
import { accessClaim, recordClaim } from './overlaps';
import { DomoResource, type OutputKeys } from './resource';

// A local copy, so the serialized provider carries the helpers by value (see provider/kit.ts).
const kit = sharedKit;

/** Inputs of a FileSetAccess as the provider sees them (check puts the grants in one order). */
export interface FileSetAccessInputs {
  fileSetId: string;
  grants: FileSetGrant[];
}

/** Outputs of a FileSetAccess. */
export interface FileSetAccessOutputs {
  fileSetId: string;
  /**
   * The FileSet's grants when last written or refreshed, the owner's entry left out: after create and update
   * the declared ones; after a refresh, what the FileSet holds (drift shows here).
   */
  grants: FileSetGrant[];
  /** The FileSet's owner (user id) at that time; its grant is never changed by this resource. */
  owner: number | null;
}

/** The FileSet, its access list and its owner, as they are now. */
async function accessNow(client: DomoFilesClient, fileSetId: string): Promise<{ fs: ApiFileSet; entries: AccessEntry[]; owner: number | null }> {
  const [fs, access] = await Promise.all([client.getFileSet(fileSetId), client.getAccess(fileSetId)]);
  const entries = access.fileSetAccess;
  const owner = await kit.currentOwner(client, fs, kit.loaderLib().ownerOf, entries);
  return { fs, entries, owner };
}

/**
 * Makes the FileSet's grants exactly `grants` in one access update (the API changes only the entries sent),
 * then reads them back. A failure leaves the grants as they were: the update is one request.
 */
async function reconcile(inputs: FileSetAccessInputs, action: string): Promise<FileSetAccessOutputs> {
  return kit.withClient(async (client) => {
    try {
      let now = await accessNow(client, inputs.fileSetId);
      const changes = kit.loaderLib().accessChanges(now.entries, now.owner, kit.toLoaderGrants(inputs.grants));
      if (changes.length > 0) {
        await client.updateAccess(inputs.fileSetId, kit.changeEntries(changes));
        now = await accessNow(client, inputs.fileSetId);
      }
      return { fileSetId: inputs.fileSetId, grants: kit.grantsOf(now.entries, now.owner), owner: now.owner };
    } catch (e) {
      if (kit.isNotFound(e)) throw kit.failure(`${action} of FileSet ${inputs.fileSetId}: the FileSet does not exist`, e);
      throw kit.failure(`${action} of FileSet ${inputs.fileSetId}`, e, 'OWNER');
    }
  });
}

/** The FileSetAccess's provider. */
export const fileSetAccessProvider: pulumi.dynamic.ResourceProvider<FileSetAccessInputs, FileSetAccessOutputs> = {
  configure: kit.configure,

  async check(_olds, news) {
    const n = news as unknown as Record<string, unknown>;
    const f: Failure[] = [];
    kit.requireString(f, n, 'fileSetId');
    kit.overlapFailures(f, n, 'fileSetId');
    let grants: unknown = n.grants;
    // Values unknown during preview are judged in `pulumi up`, when they are known.
    if (!kit.isUnknown(grants)) grants = kit.checkGrants(f, grants) ?? grants;
    const inputs = kit.compact({ ...kit.withoutOverlaps(news), grants }) as FileSetAccessInputs;
    return f.length ? { inputs, failures: f } : { inputs };
  },

  async diff(_id, olds, news) {
    const replaces = kit.changedKeys(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, ['fileSetId']);
    if (replaces.length > 0 || kit.isUnknown(news.grants)) return { changes: true, replaces };
    // Per grant, whatever the order: a grant to add or change, or one recorded that is not declared.
    const changes = kit.loaderLib().accessChanges(kit.toEntries(olds.grants ?? []), olds.owner ?? null, kit.toLoaderGrants(news.grants));
    return { changes: changes.length > 0, replaces };
  },

  async create(inputs) {
    return { id: inputs.fileSetId, outs: await reconcile(inputs, 'setting the access') };
  },

  async update(_id, _olds, news) {
    return { outs: await reconcile(news, 'updating the access') };
  },

  async read(id, props) {
    const fileSetId = (props && props.fileSetId) || id;
    return kit.withClient(async (client) => {
      let now: Awaited<ReturnType<typeof accessNow>>;
      try {
        now = await accessNow(client, fileSetId);
      } catch (e) {
        if (kit.isNotFound(e)) return {};
        throw kit.failure(`reading the access of FileSet ${fileSetId}`, e, 'READ');
      }
      const outs: FileSetAccessOutputs = { fileSetId, grants: kit.grantsOf(now.entries, now.owner), owner: now.owner };
      if (!props || !props.fileSetId) {
        // Import: the program adopts the grants the FileSet holds.
        return { id: fileSetId, props: outs, inputs: { fileSetId, grants: outs.grants } as unknown as FileSetAccessOutputs };
      }
      return { id: fileSetId, props: outs };
    });
  },

  async delete(_id, props) {
    await kit.withClient(async (client) => {
      try {
        const now = await accessNow(client, props.fileSetId);
        // Revoke the recorded grants the FileSet still holds; never the owner's (revoking it is refused).
        const held = new Set(kit.grantsOf(now.entries, now.owner).map(kit.principalOf));
        const revoke = (props.grants ?? []).filter((g) => held.has(kit.principalOf(g)));
        if (revoke.length === 0) return;
        await client.updateAccess(
          props.fileSetId,
          kit.toEntries(revoke).map((e) => ({ ...e, permission: 'NONE' as const })),
        );
      } catch (e) {
        if (kit.isNotFound(e)) return;
        throw kit.failure(`revoking the grants of FileSet ${props.fileSetId}`, e, 'OWNER');
      }
    });
  },
};

/** One grant: exactly one of `user` and `group`. */
export interface FileSetGrantArgs {
  /** User id. */
  user?: pulumi.Input<number>;
  /** Group id. */
  group?: pulumi.Input<number>;
  /** READ (list, get, download, query), EDIT (also upload and delete files) or OWNER (also access, delete). */
  permission: pulumi.Input<'READ' | 'EDIT' | 'OWNER'>;
}

/** Arguments of a FileSetAccess. */
export interface FileSetAccessArgs {
  /** The FileSet whose grants this resource owns (replaces). */
  fileSetId: pulumi.Input<string>;
  /**
   * Every grant the FileSet must have (order does not matter). Grants not listed are revoked, except the
   * owner's; an empty list revokes every grant but the owner's.
   */
  grants: pulumi.Input<pulumi.Input<FileSetGrantArgs>[]>;
}

/** Every output key, so each becomes an output property. */
const ACCESS_OUTPUTS: OutputKeys<FileSetAccessOutputs> = {
  fileSetId: true,
  grants: true,
  owner: true,
};

/**
 * All the grants of one FileSet (authoritative). The resource id is the FileSet id; `FileSetAccess.get(name,
 * fileSetId)` adopts the grants it holds. A second FileSetAccess for the same FileSet in the same program is
 * refused by check, naming both.
 */
export class FileSetAccess extends DomoResource {
  declare readonly fileSetId: pulumi.Output<string>;
  declare readonly grants: pulumi.Output<FileSetGrant[]>;
  declare readonly owner: pulumi.Output<number | null>;

  constructor(name: string, args: FileSetAccessArgs, opts?: pulumi.CustomResourceOptions) {
    const claim = args && pulumi.output(args.fileSetId).apply((id) => accessClaim(name, id));
    super(fileSetAccessProvider, 'FileSetAccess', ACCESS_OUTPUTS, name, args && { ...args, overlaps: recordClaim(claim) }, opts);
  }
}
