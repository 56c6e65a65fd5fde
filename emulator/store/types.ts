/** The storage contract shared by MemoryStore and DiskStore (one contract suite runs against both). */
import type { Readable } from 'node:stream';

/** A permission on a FileSet, weakest first after NONE. */
export type Permission = 'NONE' | 'READ' | 'EDIT' | 'OWNER';

/** Who a grant is for. */
export type EntityType = 'USER' | 'GROUP';

/** One explicit grant on a FileSet (the owner's OWNER is implied by FileSetRecord.owner, not listed here). */
export interface Grant {
  entityId: number;
  entityType: EntityType;
  permission: Exclude<Permission, 'NONE'>;
}

/** A file's indexing state, with the values of the OpenAPI spec's File.indexStatus. */
export type IndexStatus = 'PENDING' | 'QUEUED' | 'IN_PROGRESS' | 'RAG_RECEIVED' | 'COMPLETED' | 'FAILED' | 'SKIPPED' | 'UNKNOWN';

/**
 * A FileSet as stored; size and fileCount are derived by the store, and `permission` on the wire is the
 * caller's, so neither is stored here.
 */
export interface FileSetRecord {
  id: string;
  name: string;
  description: string;
  aiEnabled: boolean;
  indexStatus: string | null;
  batchType: string | null;
  connector: string;
  created: string;
  createdBy: number;
  updated: string;
  updatedBy: number;
  /** The one owning user's id (a decimal string, as the API answers it). */
  owner: string;
  accountId: number | null;
  connectorContext: { connector: string; relativePath?: string | null } | null;
  /** Grants besides the owner's. */
  grants: Grant[];
}

/** A file or directory inside a FileSet. */
export interface NodeRecord {
  id: string;
  /** Normalized full path, no leading slash. */
  path: string;
  name: string;
  kind: 'FILE' | 'DIRECTORY';
  /** Files only: content pieces in order (one for a plain upload, one per part for a split upload). */
  blobs: string[];
  size: number | null;
  hash: string | null;
  contentType: string | null;
  fileType: string;
  created: string;
  createdBy: number;
  /** Files only: where indexing stands (null for directories and unfinished split uploads). */
  indexStatus: IndexStatus | null;
  /** Why indexing failed or was skipped. */
  indexReason: string | null;
}

/** One uploaded part of a split upload. */
export interface PartRecord {
  blobId: string;
  size: number;
}

/** An unfinished split upload. */
export interface UploadRecord {
  fileSetId: string;
  fileId: string;
  path: string;
  created: string;
  createdBy: number;
  /** Part number (as a decimal string) → part. */
  parts: Record<string, PartRecord>;
}

/** Totals of a FileSet, kept current on every change. */
export interface FileSetUsage {
  size: number;
  fileCount: number;
}

/** Options of Store.scan. */
export interface ScanOptions {
  /** Only nodes strictly under this directory ("" = the whole FileSet). */
  under: string;
  /** Only the directory's immediate children. */
  immediateChildren?: boolean;
  /** Start strictly after this path (cursor). */
  after?: string;
}

/** Result of writing a blob. */
export interface BlobInfo {
  blobId: string;
  size: number;
}

/**
 * Where the emulator keeps its state. Metadata reads are synchronous (both backends index in memory);
 * writes are async so the disk backend can persist them before the handler answers.
 */
export interface Store {
  /** Loads persisted state (no-op for memory). */
  open(): Promise<void>;
  close(): Promise<void>;
  /** Deletes everything. */
  clear(): Promise<void>;

  listFileSets(): FileSetRecord[];
  getFileSet(id: string): FileSetRecord | undefined;
  /** Inserts or replaces. */
  putFileSet(rec: FileSetRecord): Promise<void>;
  /** Deletes the FileSet with its nodes, uploads and blobs; false when it did not exist. */
  deleteFileSet(id: string): Promise<boolean>;
  usage(fileSetId: string): FileSetUsage;

  getNode(fileSetId: string, id: string): NodeRecord | undefined;
  getNodeByPath(fileSetId: string, path: string): NodeRecord | undefined;
  /** Inserts or replaces the node at node.path; blobs of a replaced file that the new node does not keep are freed. */
  putNode(fileSetId: string, node: NodeRecord): Promise<void>;
  /** Deletes the node at path and, for a directory, everything under it; returns the removed nodes. */
  deleteNode(fileSetId: string, path: string): Promise<NodeRecord[]>;
  /** Nodes in path order (UTF-16 code unit order), lazily: a page costs O(log n + page). */
  scan(fileSetId: string, opts: ScanOptions): Iterable<NodeRecord>;
  /** Number of nodes (files and directories) of a FileSet. */
  nodeCount(fileSetId: string): number;

  /** Streams src into a new blob (stored by a generated id, never by user path). */
  writeBlob(src: Readable): Promise<BlobInfo>;
  readBlob(blobId: string): Readable;
  deleteBlob(blobId: string): Promise<void>;

  getUpload(fileSetId: string, fileId: string): UploadRecord | undefined;
  /** Unfinished split uploads of a FileSet. */
  listUploads(fileSetId: string): UploadRecord[];
  putUpload(rec: UploadRecord): Promise<void>;
  /** Removes the upload record; freeBlobs also deletes its parts' blobs. */
  deleteUpload(fileSetId: string, fileId: string, freeBlobs: boolean): Promise<void>;
}
