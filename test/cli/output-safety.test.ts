/** What reaches the terminal: no secret in any renderer's escaped form, no terminal control from data. */
import { createColors } from 'picocolors';
import { formatErrorLine } from '../../cli/errors';
import { neutralizeControls } from '../../cli/io';
import { printOutcome } from '../../cli/main';
import type { Report } from '../../loader/types';
import { fakeIo } from './helpers';
import { fsReport } from './fixtures';

const TOKEN = 'dt_prod_*secret*_token';
const ESC = '\u001b';
const CSI = '\u009b';

function report(): Report {
  return {
    filesets: [
      fsReport({
        name: `kb ${ESC}]0;pwned${ESC}\\ ${TOKEN}`,
        summary: { upload: 1, replace: 0, delete: 1, unchanged: 0, bytes: 1 },
        actions: [
          { op: 'upload', path: `evil${ESC}[2Jname${CSI}31m.md`, size: 1, hash: 'a'.repeat(64) },
          { op: 'delete', path: `with ${TOKEN}.md`, size: 1, hash: null },
        ],
        error: { message: `server says ${ESC}[1A${ESC}[2K all good ${TOKEN}`, count: 1 },
      }),
    ],
  };
}

describe.each(['text', 'json', 'markdown'] as const)('%s report', (format) => {
  test('the token appears in no form (plain, escaped), and no control character but our colours', () => {
    for (const tty of [false, true]) {
      const io = fakeIo({}, tty);
      io.secrets.add(TOKEN);
      printOutcome(io, { kind: 'report', report: report(), reportKind: 'apply', format });
      const out = io.stdout.text();
      for (const form of [TOKEN, TOKEN.replace(/([_*])/g, '\\$1'), 'secret']) expect(out).not.toContain(form);
      // eslint-disable-next-line no-control-regex
      const controls = out.replace(/\u001b\[[0-9;]*m/g, '').match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g);
      expect(controls).toBeNull();
      if (format === 'json') expect(() => JSON.parse(out)).not.toThrow();
      if (format === 'json') expect((JSON.parse(out) as Report).filesets[0].actions[0]).toMatchObject({ path: `evil${ESC}[2Jname${CSI}31m.md` });
    }
  });
});

test('the error line neutralizes controls from a server message; colours of our own survive', () => {
  const line = neutralizeControls(formatErrorLine(new Error(`denied ${ESC}]8;;http://x${ESC}\\link${CSI}2J`)));
  expect(line).toBe('domo-filesets: error: denied \\u001b]8;;http://x\\u001b\\link\\u009b2J');
  const red = createColors(true).red('x');
  expect(neutralizeControls(red)).toBe(red);
});
