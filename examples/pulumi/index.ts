/**
 * Example Pulumi program: a FileSet per stack (each PR stack gets its own) for the AI knowledge base, shared
 * with a reviewers' group, the examples/docs folder synced into it under "handbook/" and indexed before the
 * update counts as done, and one inline file.
 *
 * In your own project import from the package instead of the repository's source:
 *   import { FileSet, FileSetAccess, FileSetFile, FileSetFolder } from 'domo-filesets/provider';
 */
import * as pulumi from '@pulumi/pulumi';
import { FileSet, FileSetAccess, FileSetFile, FileSetFolder } from '../../provider';

const stack = pulumi.getStack();
const config = new pulumi.Config();

/** The stack's FileSet; its name carries the stack so `pr-42` and `prod` never collide. */
const docs = new FileSet('docs', {
  name: `docs-${stack}`,
  description: `Product docs for the assistant (stack ${stack})`,
  aiEnabled: true,
  // Throwaway PR stacks may be destroyed with whatever files they hold.
  forceDestroy: config.getBoolean('forceDestroy') ?? stack.startsWith('pr-'),
});

/**
 * Every grant of the FileSet: READ for the reviewers' group (`pulumi config set reviewersGroup ID`). Grants
 * made by hand are revoked on the next `pulumi up` (the owner's stays); without the config key, only the
 * owner keeps access.
 */
const reviewersGroup = config.getNumber('reviewersGroup');
const access = new FileSetAccess('docs-access', {
  fileSetId: docs.id,
  grants: reviewersGroup !== undefined ? [{ group: reviewersGroup, permission: 'READ' }] : [],
});

/**
 * Every file of examples/docs (relative to the project directory, where Pulumi.yaml is) under handbook/. The
 * update waits until Domo has indexed what it uploaded; a file indexing cannot read fails it by name.
 */
const handbook = new FileSetFolder('handbook', {
  fileSetId: docs.id,
  source: 'examples/docs',
  directoryPath: 'handbook',
  exclude: ['**/*.tmp'],
  prune: true,
  maxDeletePercent: 50,
  waitForIndex: { timeoutSeconds: 600 },
});

/** A single file with inline content; changing the text is an in-place update. */
const about = new FileSetFile('about', {
  fileSetId: docs.id,
  path: 'about.md',
  content: `# Docs for ${stack}\n\nManaged by Pulumi (domo-filesets). Do not edit in Domo.\n`,
  contentType: 'text/markdown',
});

export const fileSetId = docs.id;
export const fileSetName = docs.name;
export const handbookFiles = handbook.fileCount;
export const handbookDigest = handbook.digest;
export const handbookIndexed = handbook.indexCompleted;
export const grants = access.grants;
export const aboutFileId = about.fileId;
