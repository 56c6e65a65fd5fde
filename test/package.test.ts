import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
