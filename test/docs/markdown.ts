/**
 * Just enough markdown for the documentation tests: prose without code, the links in it, heading anchors as
 * GitHub makes them, and the first-column names of the tables under a heading.
 */

/** The text with fenced code blocks blanked out (line count kept, so line numbers still match). */
function withoutFences(text: string): string {
  let inFence = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

/** Prose only: no fenced blocks, inline code spans replaced by a placeholder (a link's text may be code). */
function prose(text: string): string {
  return withoutFences(text).replace(/`[^`\n]*`/g, 'code');
}

/** A relative link of a document: its target path (may be empty: same file) and anchor (may be empty). */
export interface RelativeLink {
  line: number;
  path: string;
  anchor: string;
}

/** Every `[text](target)` link that is not a URL with a scheme, outside code. */
export function relativeLinks(text: string): RelativeLink[] {
  const out: RelativeLink[] = [];
  prose(text)
    .split('\n')
    .forEach((line, i) => {
      for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const hash = target.indexOf('#');
        out.push({ line: i + 1, path: hash < 0 ? target : target.slice(0, hash), anchor: hash < 0 ? '' : target.slice(hash + 1) });
      }
    });
  return out;
}

/**
 * GitHub's anchor for a heading: lower case, every character that is not a letter, digit, mark, space, `-` or
 * `_` dropped, each space turned into `-`.
 */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a document's headings; a repeated one gets `-1`, `-2`… as on GitHub. */
export function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(text).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/**
 * The first-column names (in backticks) of every table row between the heading `## title` and the next
 * heading of the same or a higher level.
 */
export function tableNames(text: string, title: string): string[] {
  const lines = withoutFences(text).split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${title}`);
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,2}\s/.test(line)) break;
    const m = /^\|\s*`([^`]+)`\s*\|/.exec(line);
    if (m) out.push(m[1]);
  }
  return out;
}

/** Every long flag (`--name`) mentioned in the text, with its line; `--[no-]name` counts as both forms. */
export function longFlags(text: string): { flag: string; line: string }[] {
  const out: { flag: string; line: string }[] = [];
  for (const line of text.split('\n')) {
    // Not inside a word or a longer run of dashes (table rules, `a--b`), and a letter right after the dashes.
    for (const m of line.matchAll(/(?<![\w-])--(\[no-\])?([a-z][a-z0-9]*(?:-[a-z0-9]+)*)/gi)) {
      if (m[1]) out.push({ flag: `--${m[2]}`, line }, { flag: `--no-${m[2]}`, line });
      else out.push({ flag: `--${m[2]}`, line });
    }
  }
  return out;
}
