/**
 * DiskStore: blobs as files named by generated ids under <dataDir>/blobs, metadata as an append-only
 * NDJSON journal (<dataDir>/meta.ndjson) replayed and compacted on open. No user-supplied path ever
 * becomes a filesystem path, so nothing can be written outside dataDir.
 */
import * as path from 'node:path';
import { DiskBlobs } from './blobs';
import { ComposedStore } from './composed';
import { NdjsonJournal } from './journal';

/** A Store that survives restarts. */
export class DiskStore extends ComposedStore {
  constructor(dataDir: string) {
    const root = path.resolve(dataDir);
    super(new DiskBlobs(path.join(root, 'blobs')), new NdjsonJournal(path.join(root, 'meta.ndjson')));
  }
}
