#!/usr/bin/env node
/**
 * What run.sh needs from GitHub's JSON, in node because the shell has no JSON:
 *   pr-number                 the pull request number of the event in GITHUB_EVENT_PATH (nothing if none)
 *   find-comment MARKER       stdin: one page of issue comments; prints "<id of the first comment whose body
 *                             contains MARKER, or -> <number of comments on the page>"
 *   body-json                 stdin: a comment body; prints {"body": …}, cut to GitHub's comment limit
 * Reads stdin and the event file only; the token never passes through here.
 */
'use strict';
const { readFileSync } = require('node:fs');

/** GitHub refuses comment bodies over 65,536 characters; leave room for the note that says it was cut. */
const MAX_BODY = 65_000;

function readStdin() {
  return readFileSync(0, 'utf8');
}

function prNumber() {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return '';
  const event = JSON.parse(readFileSync(path, 'utf8'));
  const n = event && event.pull_request && event.pull_request.number;
  return Number.isInteger(n) ? String(n) : '';
}

function findComment(marker, page) {
  const comments = JSON.parse(page);
  if (!Array.isArray(comments)) throw new Error('the comments listing is not a JSON array');
  const mine = comments.find((c) => c && typeof c.body === 'string' && c.body.includes(marker));
  return `${mine ? mine.id : '-'} ${comments.length}`;
}

function bodyJson(text) {
  let body = text;
  if (body.length > MAX_BODY) {
    body = `${body.slice(0, MAX_BODY)}\n\n… cut to fit a comment: the whole report is in the workflow run's summary.\n`;
  }
  return JSON.stringify({ body });
}

function main(argv) {
  const [cmd, arg] = argv;
  if (cmd === 'pr-number') return prNumber();
  if (cmd === 'find-comment') return findComment(arg, readStdin());
  if (cmd === 'body-json') return bodyJson(readStdin());
  throw new Error(`unknown command '${cmd}' (pr-number | find-comment | body-json)`);
}

if (require.main === module) {
  try {
    process.stdout.write(`${main(process.argv.slice(2))}\n`);
  } catch (err) {
    process.stderr.write(`github.cjs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

module.exports = { bodyJson, findComment };
