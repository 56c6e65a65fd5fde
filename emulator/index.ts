/** domo-filesets/emulator: a local Domo Files API server for tests, CI and demos. */
export { startEmulator } from './server';
export type { EmulatorHandle, EmulatorOptions, EmulatorStats, EmulatorUser, FaultKind, FaultOptions, RateLimitOptions, RequestLogEntry } from './types';
export { FAULT_KINDS } from './types';
export { PROFILES, READING_NAMES, resolveReadings } from './readings';
export type { Profile, Readings } from './readings';
export { MemoryStore } from './store/memory';
export { DiskStore } from './store/disk';
export type {
  Store,
  FileSetRecord,
  NodeRecord,
  UploadRecord,
  ScanOptions,
  BlobInfo,
  FileSetUsage,
  PartRecord,
  Grant,
  Permission,
  EntityType,
  IndexStatus,
} from './store/types';
