/** domo-filesets/client: the typed Domo Files API client. */
export * from './types';
export { DomoFilesClient } from './client';
