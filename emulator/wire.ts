/** Records → the JSON objects the API answers (the union of the seed's and the OpenAPI spec's fields). */
import type { FileSetRecord, FileSetUsage, NodeRecord } from './store/types';

/** The wire FileSet: every documented field, size and fileCount current. */
export function fileSetWire(rec: FileSetRecord, usage: FileSetUsage): Record<string, unknown> {
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
    permission: rec.permission,
    size: usage.size,
    fileCount: usage.fileCount,
  };
}

/** The wire File or Directory. downloadUrl is absolute on this emulator's origin as the client saw it. */
export function nodeWire(fileSetId: string, n: NodeRecord, baseUrl: string): Record<string, unknown> {
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
    hash: n.hash,
    hashAlgorithm: 'SHA_256_HEX',
    downloadUrl: n.hash === null ? null : `${baseUrl}/api/files/v1/filesets/${fileSetId}/files/${n.id}/download`,
    created: n.created,
    createdBy: n.createdBy,
    connectorKey: null,
    indexStatus: null,
    indexReason: null,
  };
}
