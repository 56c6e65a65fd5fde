import { ConfigError, DomoFilesClient, resolveClientConfig } from '../../client';

const TOKEN = 'tok-SECRET-123';

describe('resolveClientConfig', () => {
  it('builds https://{instance}.domo.com from DOMO_INSTANCE', () => {
    expect(resolveClientConfig({ env: { DOMO_INSTANCE: 'acme', DOMO_DEVELOPER_TOKEN: TOKEN } })).toEqual({
      baseUrl: 'https://acme.domo.com',
      token: TOKEN,
    });
  });
  it('accepts a full host as instance', () => {
    expect(resolveClientConfig({ instance: 'acme.domo.com', token: 't', env: {} }).baseUrl).toBe('https://acme.domo.com');
  });
  it('prefers options over env, and DOMO_BASE_URL over DOMO_INSTANCE', () => {
    const env = { DOMO_INSTANCE: 'acme', DOMO_BASE_URL: 'http://127.0.0.1:9999/', DOMO_TOKEN: 'env-token' };
    expect(resolveClientConfig({ env })).toEqual({ baseUrl: 'http://127.0.0.1:9999', token: 'env-token' });
    expect(resolveClientConfig({ env, baseUrl: 'https://other.example.com/prefix/', token: 'opt' })).toEqual({
      baseUrl: 'https://other.example.com/prefix',
      token: 'opt',
    });
  });
  it('reads the token aliases in order', () => {
    const base = { DOMO_BASE_URL: 'https://a.domo.com' };
    expect(resolveClientConfig({ env: { ...base, DOMO_TOKEN: 'c', DOMO_ACCESS_TOKEN: 'b' } }).token).toBe('b');
    expect(resolveClientConfig({ env: { ...base, DOMO_TOKEN: 'c', DOMO_ACCESS_TOKEN: 'b', DOMO_DEVELOPER_TOKEN: 'a' } }).token).toBe('a');
    expect(resolveClientConfig({ env: { ...base, DOMO_TOKEN: 'c', DOMO_DEVELOPER_TOKEN: '  ' } }).token).toBe('c');
  });
  it('refuses plain http to a remote host, naming the host and not the token', () => {
    let err: unknown;
    try {
      resolveClientConfig({ baseUrl: 'http://acme.domo.com', token: TOKEN, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG');
    expect((err as Error).message).toContain('acme.domo.com');
    expect((err as Error).message).not.toContain(TOKEN);
  });
  it('allows plain http to loopback hosts', () => {
    for (const u of ['http://127.0.0.1:1', 'http://localhost:2', 'http://[::1]:3', 'http://127.5.5.5', 'http://app.localhost']) {
      expect(() => resolveClientConfig({ baseUrl: u, token: 't', env: {} })).not.toThrow();
    }
  });
  it('refuses http to hosts that only look local', () => {
    for (const u of ['http://127.0.0.1.nip.io', 'http://localhost.evil.com', 'http://10.0.0.1']) {
      expect(() => resolveClientConfig({ baseUrl: u, token: 't', env: {} })).toThrow(ConfigError);
    }
  });
  it('explains a missing base URL or token', () => {
    expect(() => resolveClientConfig({ env: { DOMO_TOKEN: 't' } })).toThrow(/DOMO_INSTANCE/);
    expect(() => resolveClientConfig({ env: { DOMO_INSTANCE: 'acme' } })).toThrow(/DOMO_DEVELOPER_TOKEN/);
  });
  it('refuses malformed URLs and credentials in the URL', () => {
    expect(() => resolveClientConfig({ baseUrl: 'not a url', token: 't', env: {} })).toThrow(ConfigError);
    expect(() => resolveClientConfig({ baseUrl: 'ftp://x.domo.com', token: 't', env: {} })).toThrow(ConfigError);
    expect(() => resolveClientConfig({ baseUrl: 'https://u:p@x.domo.com', token: 't', env: {} })).toThrow(ConfigError);
  });
  it('refuses a token with a line break (header injection) without echoing it', () => {
    expect(() => resolveClientConfig({ baseUrl: 'https://x.domo.com', token: 'abc\r\nX-Evil: 1', env: {} })).toThrow(/line break/);
  });
  it('the constructor throws ConfigError too', () => {
    expect(() => new DomoFilesClient({ baseUrl: 'http://example.com', token: TOKEN, env: {} })).toThrow(ConfigError);
    expect(() => new DomoFilesClient({ env: {} })).toThrow(ConfigError);
  });
});
