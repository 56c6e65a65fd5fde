import { InvalidArgumentError } from 'commander';
import { boolean, faultKinds, intInRange, nonEmpty, port, positiveInt, probability } from '../../cli/validate';

describe('flag value parsers', () => {
  it('positiveInt accepts 1 and larger, rejects 0, negatives, fractions and words', () => {
    expect(positiveInt('1')).toBe(1);
    expect(positiveInt(' 16 ')).toBe(16);
    for (const bad of ['0', '-1', '1.5', 'abc', '', '1e3', '99999999999999999999']) {
      expect(() => positiveInt(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => positiveInt('0')).toThrow('must be an integer >= 1');
  });

  it('port is 0..65535 and says so', () => {
    expect(port('0')).toBe(0);
    expect(port('65535')).toBe(65535);
    expect(() => port('65536')).toThrow('must be an integer from 0 to 65535');
    expect(intInRange(0)('0')).toBe(0);
  });

  it('probability is a number in [0, 1]', () => {
    expect(probability('0')).toBe(0);
    expect(probability('0.25')).toBe(0.25);
    expect(probability('1')).toBe(1);
    for (const bad of ['1.1', '-0.1', 'x', '', 'NaN', 'Infinity']) expect(() => probability(bad)).toThrow(InvalidArgumentError);
  });

  it('faultKinds parses a comma list, keeps repeats (they weight a kind), and names the unknown kind', () => {
    expect(faultKinds('500,429,reset,slow')).toEqual(['500', '429', 'reset', 'slow']);
    expect(faultKinds(' 500 , 500 ,429')).toEqual(['500', '500', '429']);
    expect(() => faultKinds('500,boom')).toThrow("unknown fault 'boom'");
    expect(() => faultKinds(',')).toThrow(InvalidArgumentError);
  });

  it('boolean and nonEmpty', () => {
    expect(boolean('true')).toBe(true);
    expect(boolean('No')).toBe(false);
    expect(() => boolean('maybe')).toThrow('must be true or false');
    expect(nonEmpty('x')).toBe('x');
    expect(() => nonEmpty('  ')).toThrow('must not be empty');
  });
});
