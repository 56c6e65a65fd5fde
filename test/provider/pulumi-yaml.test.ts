import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The root Pulumi.yaml: Pulumi accepts type/default/secret declarations only for keys in the project's own
 * namespace, so the project must be named `domo` for the provider's domo:* keys to be declared.
 */
describe('root Pulumi.yaml', () => {
  const project = parse(readFileSync(join(__dirname, '..', '..', 'Pulumi.yaml'), 'utf8'));

  it('runs the TypeScript example program with the nodejs runtime', () => {
    expect(project.runtime).toEqual({ name: 'nodejs', options: { typescript: true } });
    expect(project.main).toBe('examples/pulumi/');
  });

  it('declares domo:token as a required secret and the URL keys as optional', () => {
    expect(project.name).toBe('domo');
    expect(project.config.token).toEqual(expect.objectContaining({ type: 'string', secret: true }));
    // a secret with a plaintext default fails Pulumi's stack validation
    expect(project.config.token).not.toHaveProperty('default');
    expect(project.config.instance.default).toBe('');
    expect(project.config.baseUrl.default).toBe('');
  });

  it('declares only keys in its own namespace (Pulumi rejects typed foreign keys)', () => {
    for (const key of Object.keys(project.config)) expect(key.includes(':') ? key.startsWith('domo:') : true).toBe(true);
  });
});
