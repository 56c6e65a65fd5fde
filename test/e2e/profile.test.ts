/**
 * The harness honours DOMO_FILESETS_TEST_PROFILE: the spec pass of CI must really talk to a server of the
 * spec's reading, or it proves nothing.
 */
import { profileFrom, startBackend, TEST_PROFILE } from '../support/harness';

test('DOMO_FILESETS_TEST_PROFILE is seed (default) or spec; anything else stops the run with one line', () => {
  expect(profileFrom({})).toBe('seed');
  expect(profileFrom({ DOMO_FILESETS_TEST_PROFILE: '' })).toBe('seed');
  expect(profileFrom({ DOMO_FILESETS_TEST_PROFILE: 'spec' })).toBe('spec');
  expect(() => profileFrom({ DOMO_FILESETS_TEST_PROFILE: 'SPEC' })).toThrow('DOMO_FILESETS_TEST_PROFILE must be seed or spec, got "SPEC"');
  expect(TEST_PROFILE).toBe(profileFrom(process.env));
});

test.each(['seed', 'spec'] as const)('an emulator of the run answers by the run’s profile, and a test can pin one (%s)', async (pinned) => {
  const [run, pin] = await Promise.all([startBackend(), startBackend({ profile: pinned })]);
  try {
    // Under the spec's reading a listing above 100 entries per page is a 400; the `seed` profile's has no maximum.
    const status = async (url: string, token: string): Promise<number> => {
      const fs = (await fetch(`${url}/api/files/v1/filesets`, {
        method: 'POST',
        headers: { 'x-domo-developer-token': token, 'content-type': 'application/json' },
        body: '{"name":"p"}',
      }).then((r) => r.json())) as { id: string };
      const res = await fetch(`${url}/api/files/v1/filesets/${fs.id}/files/search?limit=1000`, {
        method: 'POST',
        headers: { 'x-domo-developer-token': token, 'content-type': 'application/json' },
        body: '{}',
      });
      await res.arrayBuffer();
      return res.status;
    };
    const expected = (p: string): number => (p === 'spec' ? 400 : 200);
    expect(await status(run.emu.url, run.token)).toBe(expected(TEST_PROFILE));
    expect(await status(pin.emu.url, pin.token)).toBe(expected(pinned));
  } finally {
    await Promise.all([run.close(), pin.close()]);
  }
});
