import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSetAccess as RootFileSetAccess } from '../index';
import { FileSetAccess } from '../provider';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

describe('package.json contract', () => {
  it('exports the documented subpaths with types', () => {
    for (const sub of ['.', './client', './loader', './provider', './emulator']) {
      expect(pkg.exports[sub]).toEqual(expect.objectContaining({ types: expect.stringMatching(/\.d\.ts$/), default: expect.stringMatching(/\.js$/) }));
    }
  });
  it('declares the bin, the Node floor and @pulumi/pulumi as a peer', () => {
    expect(pkg.bin['domo-filesets']).toBe('dist/cli/bin.js');
    expect(pkg.engines.node).toBe('>=20.19');
    expect(pkg.peerDependencies['@pulumi/pulumi']).toMatch(/^>=3\./);
  });
});

describe('entry points', () => {
  it('the root re-exports the resources, the client, the loader and the emulator', () => {
    const root = require('../index');
    expect(typeof root.FileSet).toBe('function');
    // The resource, also to the type checker: not the client's access-list type of the same name (that one is FileSetAccessInfo).
    expect(root.FileSetAccess).toBe(RootFileSetAccess);
    expect(RootFileSetAccess).toBe(FileSetAccess);
    expect(typeof root.FileSetFile).toBe('function');
    expect(typeof root.FileSetFolder).toBe('function');
    expect(typeof root.DomoFilesClient).toBe('function');
    expect(typeof root.loadManifest).toBe('function');
    expect(typeof root.applyManifest).toBe('function');
    expect(typeof root.startEmulator).toBe('function');
  });

  it('the client, loader and emulator subpaths load without @pulumi/pulumi', () => {
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const dist = join(__dirname, '..', 'dist');
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        `
      for (const sub of ['client', 'loader', 'emulator']) require(${JSON.stringify(dist)} + '/' + sub);
      console.log(Object.keys(require.cache).some((k) => k.includes('@pulumi')));
    `,
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('false');
  });
});
