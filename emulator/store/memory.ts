/** MemoryStore: metadata and blobs in process memory (the default backend). */
import { MemoryBlobs } from './blobs';
import { ComposedStore } from './composed';
import { NO_JOURNAL } from './journal';

/** A Store that forgets everything when the process exits. */
export class MemoryStore extends ComposedStore {
  constructor() {
    super(new MemoryBlobs(), NO_JOURNAL);
  }
}
