import { emulatorOptions } from '../../cli/commands/emulator';

const base = { host: '127.0.0.1', port: 0, overwrite: true };

describe('emulator flags → EmulatorOptions', () => {
  it('maps every flag, resolving --data-dir against the working directory', () => {
    expect(
      emulatorOptions({ ...base, token: 't0ken', dataDir: 'data', overwrite: false, faultRate: 0.1, faults: ['500', 'reset'], faultSeed: 7, slowMs: 10, retryAfter: 2 }, '/work'),
    ).toEqual({
      host: '127.0.0.1', port: 0, overwrite: false, token: 't0ken', dataDir: '/work/data',
      faults: { rate: 0.1, kinds: ['500', 'reset'], seed: 7 }, slowMs: 10, retryAfterSeconds: 2,
    });
  });

  it('omits faults without a rate, and defaults the kinds to all four', () => {
    expect(emulatorOptions(base, '/')).toEqual({ host: '127.0.0.1', port: 0, overwrite: true });
    expect(emulatorOptions({ ...base, faultRate: 0.5 }, '/').faults).toEqual({ rate: 0.5, kinds: ['500', '429', 'reset', 'slow'] });
  });

  it('refuses fault flags that would silently do nothing', () => {
    expect(() => emulatorOptions({ ...base, faults: ['500'] }, '/')).toThrow('--faults needs --fault-rate');
    expect(() => emulatorOptions({ ...base, faultSeed: 1 }, '/')).toThrow('--fault-seed needs --fault-rate');
  });
});
