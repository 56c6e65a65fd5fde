/**
 * The example program's resource graph under pulumi.runtime.setMocks: what `pulumi up` would register,
 * with which inputs and dependencies. setMocks never calls the providers.
 */
import * as pulumi from '@pulumi/pulumi';

interface Seen {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const seen: Seen[] = [];

beforeAll(async () => {
  pulumi.runtime.setConfig('domo-filesets-example:reviewersGroup', '70');
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        seen.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, fileCount: 3, digest: 'd'.repeat(64), fileId: 'file-1', indexCompleted: 3 } };
      },
      call(args) {
        return args.inputs;
      },
    },
    'domo-filesets-example',
    'pr-42',
    false,
  );
});

function outputValue<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe('examples/pulumi program', () => {
  let program: Record<string, pulumi.Output<unknown>>;

  beforeAll(async () => {
    program = require('../../examples/pulumi/index');
    await outputValue(program.aboutFileId);
    await outputValue(program.handbookDigest);
  });

  it('registers one FileSet, its FileSetAccess, one FileSetFolder and one FileSetFile with the domo-filesets type tokens', () => {
    expect(seen.map((s) => [s.type, s.name]).sort()).toEqual([
      ['pulumi-nodejs:dynamic/domo-filesets:FileSet', 'docs'],
      ['pulumi-nodejs:dynamic/domo-filesets:FileSetAccess', 'docs-access'],
      ['pulumi-nodejs:dynamic/domo-filesets:FileSetFile', 'about'],
      ['pulumi-nodejs:dynamic/domo-filesets:FileSetFolder', 'handbook'],
    ]);
  });

  it('names the FileSet after the stack and lets PR stacks be destroyed with their files', () => {
    const fs = seen.find((s) => s.name === 'docs')!;
    expect(fs.inputs).toMatchObject({ name: 'docs-pr-42', aiEnabled: true, forceDestroy: true });
    expect(String(fs.inputs.description)).toContain('pr-42');
  });

  it('syncs examples/docs under handbook/ into that FileSet and waits for indexing', () => {
    const folder = seen.find((s) => s.name === 'handbook')!;
    expect(folder.inputs).toMatchObject({
      fileSetId: 'docs-id',
      source: 'examples/docs',
      directoryPath: 'handbook',
      prune: true,
      exclude: ['**/*.tmp'],
      waitForIndex: { timeoutSeconds: 600 },
    });
  });

  it("shares the FileSet with the configured reviewers' group, and only with it", () => {
    const access = seen.find((s) => s.name === 'docs-access')!;
    expect(access.inputs).toMatchObject({ fileSetId: 'docs-id', grants: [{ group: 70, permission: 'READ' }] });
  });

  it('puts one inline file into the FileSet', () => {
    const file = seen.find((s) => s.name === 'about')!;
    expect(file.inputs).toMatchObject({ fileSetId: 'docs-id', path: 'about.md', contentType: 'text/markdown' });
    expect(String(file.inputs.content)).toContain('pr-42');
    expect(file.inputs.source).toBeUndefined();
  });

  it('sends each resource its serialized provider and no credentials', () => {
    for (const s of seen) {
      expect(typeof s.inputs.__provider).toBe('string');
      expect(String(s.inputs.__provider)).toContain('exports.handler');
      expect(Object.keys(s.inputs)).not.toContain('token');
    }
  });

  it('exports the ids and the folder outputs', async () => {
    expect(await outputValue(program.fileSetId)).toBe('docs-id');
    expect(await outputValue(program.fileSetName)).toBe('docs-pr-42');
    expect(await outputValue(program.aboutFileId)).toBe('file-1');
    expect(await outputValue(program.handbookFiles)).toBe(3);
    expect(await outputValue(program.handbookIndexed)).toBe(3);
    expect(await outputValue(program.grants)).toEqual([{ group: 70, permission: 'READ' }]);
  });
});
