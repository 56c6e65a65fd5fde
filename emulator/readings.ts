/**
 * The points where Domo's documents disagree, each a switch. The `seed` profile (the default) answers as
 * the older API reference this project was created from; the `spec` profile answers as the current OpenAPI
 * spec "Documents" reads. `readings` options override single switches of a profile.
 */

/** Every reading the emulator can take. */
export interface Readings {
  /**
   * Which multipart field sets an upload's directory: the JSON part `createFileRequest` (the spec's example,
   * the API reference, Domo's demo app), the top-level field `directoryPath` (the spec's schema), or either (when both
   * are sent, createFileRequest wins). The field not read is ignored entirely, malformed or not.
   */
  uploadField: 'createFileRequest' | 'directoryPath' | 'both';
  /** Status of a successful delete: 200 with a status body, or 204 with no body. */
  deleteStatus: 200 | 204;
  /** Largest listing `limit` (files and FileSets); above it a listing answers 400. null: no maximum. */
  maxLimit: number | null;
  /** Whether an upload into a/b also creates the directory entries a and a/b. */
  implicitDirs: boolean;
  /** Status for a FileSet, file or path that does not exist. */
  missingStatus: 404 | 403;
  /** Whether a file's contentType is the one its upload declared (else derived from its name). */
  honourContentType: boolean;
  /** Whether deleting a FileSet that still holds files deletes them (else 409). */
  cascadeDelete: boolean;
  /** Whether files carry their SHA-256 (else hash and hashAlgorithm are null everywhere). */
  hashes: boolean;
  /**
   * FileSet search answer: `union` = both list keys (fileSets, filesets) and the page context of both
   * documents {offset, limit, total, count, totalCount}; `spec` = fileSets with {count, totalCount, offset}.
   */
  fileSetPage: 'union' | 'spec';
  /**
   * Query: `union` = the prefix under either key (directoryPath, pathPrefixFilter) and matches in both shapes
   * ({id, node} and {content, metadata}); `spec` = pathPrefixFilter only and {content, metadata, score}.
   */
  query: 'union' | 'spec';
  /** Body of a 403: Domo's JSON error body, or a plain string (the spec's schema for 403 is a string). */
  forbiddenBody: 'json' | 'text';
}

/** A named bundle of readings. */
export type Profile = 'seed' | 'spec';

/** The readings of each profile. */
export const PROFILES: Record<Profile, Readings> = {
  seed: {
    uploadField: 'both',
    deleteStatus: 200,
    maxLimit: null,
    implicitDirs: true,
    missingStatus: 404,
    honourContentType: false,
    cascadeDelete: true,
    hashes: true,
    fileSetPage: 'union',
    query: 'union',
    forbiddenBody: 'json',
  },
  spec: {
    uploadField: 'directoryPath',
    deleteStatus: 204,
    maxLimit: 100,
    implicitDirs: false,
    missingStatus: 404,
    honourContentType: true,
    cascadeDelete: true,
    hashes: true,
    fileSetPage: 'spec',
    query: 'spec',
    forbiddenBody: 'text',
  },
};

const CHOICES: { [K in keyof Readings]: readonly Readings[K][] | 'limit' | 'boolean' } = {
  uploadField: ['createFileRequest', 'directoryPath', 'both'],
  deleteStatus: [200, 204],
  maxLimit: 'limit',
  implicitDirs: 'boolean',
  missingStatus: [404, 403],
  honourContentType: 'boolean',
  cascadeDelete: 'boolean',
  hashes: 'boolean',
  fileSetPage: ['union', 'spec'],
  query: ['union', 'spec'],
  forbiddenBody: ['json', 'text'],
};

/** The names of every switch. */
export const READING_NAMES = Object.keys(CHOICES) as (keyof Readings)[];

/** The profile's readings with the overrides applied; throws one line naming a bad value. */
export function resolveReadings(profile: Profile = 'seed', overrides: Partial<Readings> = {}): Readings {
  if (!(profile in PROFILES)) throw new Error(`profile must be seed or spec, got ${JSON.stringify(profile)}`);
  const out = { ...PROFILES[profile] } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const choice = (CHOICES as Record<string, unknown>)[key];
    if (choice === undefined) throw new Error(`unknown reading ${JSON.stringify(key)}; expected one of ${READING_NAMES.join(', ')}`);
    const ok =
      choice === 'boolean'
        ? typeof value === 'boolean'
        : choice === 'limit'
          ? value === null || (Number.isInteger(value) && (value as number) >= 1)
          : (choice as readonly unknown[]).includes(value);
    if (!ok) {
      const expected = choice === 'boolean' ? 'true or false' : choice === 'limit' ? 'an integer >= 1 or null' : (choice as readonly unknown[]).join(' or ');
      throw new Error(`readings.${key} must be ${expected}, got ${JSON.stringify(value)}`);
    }
    out[key] = value;
  }
  return out as unknown as Readings;
}
