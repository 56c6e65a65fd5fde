#!/usr/bin/env node
/** Entry point of the `domo-filesets` command. */
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Normally the event loop is empty by now; if a library left a handle open, do not hang the shell.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  () => {
    process.exitCode = 1;
  },
);
