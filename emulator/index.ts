/** domo-filesets/emulator: a local Domo Files API server for tests, CI and demos. */
export { startEmulator } from './server';
export type { EmulatorHandle, EmulatorOptions, EmulatorStats, FaultKind, FaultOptions, RequestLogEntry } from './types';
export { FAULT_KINDS } from './types';
export { MemoryStore } from './store/memory';
export { DiskStore } from './store/disk';
export type { Store, FileSetRecord, NodeRecord, UploadRecord, ScanOptions, BlobInfo, FileSetUsage, PartRecord } from './store/types';
