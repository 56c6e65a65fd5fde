/** domo-filesets: the public API. Subpaths: domo-filesets/{client,loader,provider,emulator}. */
export * from './client';
