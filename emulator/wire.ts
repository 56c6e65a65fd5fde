/** Records → the JSON objects the API answers (every field the API reference or the OpenAPI spec documents). */
import type { FileSetRecord, FileSetUsage, NodeRecord, Permission } from './store/types';

/** The wire FileSet: every documented field, size and fileCount current, `permission` the caller's. */
export function fileSetWire(rec: FileSetRecord, usage: FileSetUsage, permission: Permission): Record<string, unknown> {
  return {
    id: rec.id,
    name: rec.name,
    description: rec.description,
    aiEnabled: rec.aiEnabled,
    indexStatus: rec.indexStatus,
    batchType: rec.batchType,
    connector: rec.connector,
    created: rec.created,
    createdBy: rec.createdBy,
    updated: rec.updated,
    updatedBy: rec.updatedBy,
    owner: rec.owner,
    accountId: rec.accountId,
    connectorContext: rec.connectorContext,
    permission,
    size: usage.size,
    fileCount: usage.fileCount,
  };
}

/**
 * The wire File or Directory. downloadUrl is absolute on this emulator's origin as the client saw it, and
 * null while a split upload is unfinished (its stored hash is null until finalize). With `hashes` false
 * the server reads as one that publishes no hash: hash and hashAlgorithm are null.
 */
export function nodeWire(fileSetId: string, n: NodeRecord, baseUrl: string, hashes: boolean): Record<string, unknown> {
  if (n.kind === 'DIRECTORY') {
    return { id: n.id, path: n.path, name: n.name, size: null, created: n.created, createdBy: n.createdBy, fileType: 'DIRECTORY' };
  }
  return {
    id: n.id,
    path: n.path,
    name: n.name,
    fileType: n.fileType,
    contentType: n.contentType,
    size: n.size,
    hash: hashes ? n.hash : null,
    hashAlgorithm: hashes ? 'SHA_256_HEX' : null,
    downloadUrl: n.hash === null ? null : `${baseUrl}/api/files/v1/filesets/${fileSetId}/files/${n.id}/download`,
    created: n.created,
    createdBy: n.createdBy,
    connectorKey: null,
    indexStatus: n.indexStatus ?? null,
    indexReason: n.indexReason ?? null,
  };
}
