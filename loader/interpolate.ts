/**
 * `${VAR}` / `${VAR:-default}` interpolation of manifest strings (shell semantics: `:-` also replaces an
 * empty value). `$$` is a literal `$`. Pure: the environment is passed in.
 */

/** Why interpolation failed; the caller adds the file and line. */
export class InterpolationError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Replaces every `${...}` in `text` from `env`; throws InterpolationError on a missing variable or bad syntax. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== '{') {
      out += '$';
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) throw new InterpolationError(`unterminated '\${' in "${text}"`);
    const body = text.slice(i + 2, close);
    const sep = body.indexOf(':-');
    const name = sep >= 0 ? body.slice(0, sep) : body;
    if (!NAME.test(name)) throw new InterpolationError(`bad variable reference '\${${body}}' (use \${NAME} or \${NAME:-default})`);
    const value = Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
    if (sep >= 0) {
      out += value === undefined || value === '' ? body.slice(sep + 2) : value;
    } else {
      if (value === undefined) throw new InterpolationError(`environment variable '${name}' is not set (use \${${name}:-default} for a default)`);
      out += value;
    }
    i = close + 1;
  }
  return out;
}
