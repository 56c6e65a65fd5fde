/**
 * The command registry: every command's name, arguments and flags are declared here (cheap, so `--help`
 * works everywhere), while the code that runs it is required only when that command is invoked.
 */
import { Command, Option } from 'commander';
import type { CommandModule, Ctx, Input, Outcome } from './outcome';
import { packageVersion } from './pkg';
import {
  FORMATS,
  boolean,
  collect,
  concurrency,
  faultKinds,
  latency,
  maxLimit,
  nonEmpty,
  nonNegativeInt,
  port,
  positiveInt,
  positiveNumber,
  probability,
  statusIn,
  durationMs,
} from './validate';

/** Receives the outcome of the command that ran (commander's action result is not returned by parseAsync). */
export type OutcomeSink = (outcome: Outcome) => void;

/** Lazy loaders: `require` runs only inside the action, so `domo-filesets --help` loads no client code. */
const MODULES = {
  emulator: () => require('./commands/emulator') as typeof import('./commands/emulator'),
  plan: () => require('./commands/plan') as typeof import('./commands/plan'),
  apply: () => require('./commands/apply') as typeof import('./commands/apply'),
  destroy: () => require('./commands/destroy') as typeof import('./commands/destroy'),
  filesets: () => require('./commands/filesets') as typeof import('./commands/filesets'),
  files: () => require('./commands/files') as typeof import('./commands/files'),
  query: () => require('./commands/query') as typeof import('./commands/query'),
  gc: () => require('./commands/gc') as typeof import('./commands/gc'),
  restore: () => require('./commands/restore') as typeof import('./commands/restore'),
  show: () => require('./commands/show') as typeof import('./commands/show'),
  status: () => require('./commands/status') as typeof import('./commands/status'),
  reindex: () => require('./commands/reindex') as typeof import('./commands/reindex'),
  probe: () => require('./commands/probe') as typeof import('./commands/probe'),
};

function formatOption(defaultValue = 'text', choices: readonly string[] = FORMATS): Option {
  return new Option('--format <format>', 'output format').choices([...choices]).default(defaultValue);
}

/** Builds the program; `ctx` and `sink` are injected so tests can run it in-process. */
export function buildProgram(ctx: Ctx, sink: OutcomeSink): Command {
  const version = packageVersion();
  const program = new Command('domo-filesets');

  /** Applied to every command so --version, errors and help behave the same at every level. */
  const setup = (cmd: Command): Command =>
    cmd
      .version(version, '-V, --version', 'print the version')
      .helpOption('-h, --help', 'show help')
      .exitOverride()
      .showSuggestionAfterError(true)
      .configureOutput({
        writeOut: (s) => ctx.io.stdout.write(s),
        writeErr: (s) => ctx.io.stderr.write(s),
        // Errors are printed once, as one line, by the top-level handler.
        outputError: () => undefined,
      });

  /**
   * Action that loads the module, passes it positional args and options, and reports the outcome. The one
   * typed boundary: commander parsed the options as the command's declaration says, which `O` states.
   */
  const action =
    <O>(load: () => CommandModule<O>, sub?: string) =>
    async (...params: unknown[]): Promise<void> => {
      const cmd = params[params.length - 1] as Command;
      const args = params.slice(0, -2).map((p) => (Array.isArray(p) ? p.join(' ') : p === undefined ? '' : String(p)));
      const input: Input<O> = { args: sub ? [sub, ...args] : args, opts: cmd.opts<O & Record<string, unknown>>() };
      sink(await load().run(ctx, input));
    };

  const sub = (parent: Command, name: string, description: string): Command => {
    const cmd = setup(parent.command(name)).description(description);
    return cmd;
  };

  setup(program)
    .description('Infrastructure-as-code for Domo FileSets: plan/apply/destroy a YAML manifest, the Files API from the shell, and a local emulator.')
    .addHelpText(
      'after',
      '\nCredentials (env): DOMO_INSTANCE or DOMO_BASE_URL, and DOMO_DEVELOPER_TOKEN (or DOMO_ACCESS_TOKEN, DOMO_TOKEN).\nExit codes: 0 ok, 1 error, 2 plan --detailed-exitcode found changes, 3 a safety guard refused a change.',
    );

  sub(program, 'emulator', 'run a local emulator of the Domo Files API; prints its base URL as the first line of stdout')
    .option('--host <host>', 'interface to listen on', nonEmpty, '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', port, 0)
    .option('--token <token>', 'accept only this developer token (default: any non-empty token)', nonEmpty)
    .option('--data-dir <dir>', 'keep data on disk in this directory (default: in memory)', nonEmpty)
    .option('--no-overwrite', 'reject uploads to an existing path (409), as a FileSet without overwrite does')
    .option('--fault-rate <rate>', 'share of API requests that fail with an injected fault (0..1)', probability)
    .option('--faults <kinds>', 'comma-separated fault kinds: 500,429,reset,slow (default: all)', faultKinds)
    .option('--fault-seed <n>', 'seed of the fault sequence (repeatable runs)', nonNegativeInt)
    .option('--slow-ms <ms>', 'delay of a "slow" fault in ms (default 2000)', nonNegativeInt)
    .option('--retry-after <seconds>', 'Retry-After sent with a "429" fault (default 1)', nonNegativeInt)
    .addOption(new Option('--profile <profile>', 'answer as the API reference (seed) or the current OpenAPI spec (spec) reads').choices(['seed', 'spec']))
    .addOption(
      new Option('--upload-field <field>', "multipart field that sets an upload's directory (default: the profile's)").choices([
        'createFileRequest',
        'directoryPath',
        'both',
      ]),
    )
    .option('--delete-status <status>', 'status of a successful delete: 200 with a body, 204 without', statusIn([200, 204]))
    .option('--max-limit <n>', 'largest listing limit; above it 400 (none: no maximum)', maxLimit)
    .option('--implicit-dirs', 'uploads into a/b create the directories a and a/b')
    .option('--no-implicit-dirs', 'uploads create no parent directory entries')
    .option('--missing-status <status>', 'status for a missing FileSet, file or path: 404 or 403', statusIn([404, 403]))
    .option('--honour-content-type', 'keep the content type an upload declares')
    .option('--no-honour-content-type', 'derive the content type from the file name')
    .option('--cascade-delete', 'deleting a FileSet deletes its files')
    .option('--no-cascade-delete', 'deleting a FileSet that holds files answers 409')
    .option('--hashes', 'files carry their SHA-256')
    .option('--no-hashes', 'files carry hash and hashAlgorithm null')
    .option(
      '--latency-ms <n[:jitter]>',
      'delay every API request by n ms before handling and again before answering (± jitter, seeded by --fault-seed)',
      latency,
    )
    .option('--rate-limit <r>', 'per-token limit in requests per second; above it 429 with Retry-After', positiveNumber)
    .option('--burst <b>', "requests a token may send at once (needs --rate-limit; default: one second's worth)", positiveInt)
    .option('--user <token=user[:groups]>', 'a token acting as USER_ID in groups GROUP_ID,… (repeatable; other tokens act as user 1)', collect)
    .option('--index-delay-ms <ms>', 'time a new file takes from PENDING to its final index status (default 50)', nonNegativeInt)
    .action(action(MODULES.emulator));

  const manifestOption = () => new Option('-f, --file <manifest>', 'manifest file (YAML)').makeOptionMandatory().argParser(nonEmpty);
  const emulatorOption = () => new Option('--emulator', 'run against an embedded emulator persisted under .domo-filesets/emulator next to the manifest');

  const backupOption = () =>
    new Option(
      '--backup-dir <dir>',
      'first download every file about to be replaced or deleted into DIR/<FileSet>/<time>/ (a failed backup stops that change)',
    ).argParser(nonEmpty);
  const concurrencyOption = () =>
    new Option('--concurrency <n>', 'most requests in flight and files hashed at once (1-256, default 64; adaptive below it)').argParser(concurrency);
  const adaptiveOption = () => new Option('--no-adaptive', 'keep --concurrency requests in flight from the start; no adaptive window or pacing');
  const requestTimeoutOption = () =>
    new Option('--request-timeout <duration>', 'longest one attempt of a request may take, answer and body (default 5m; 30s, 10m…); retried after').argParser(
      durationMs,
    );

  sub(program, 'plan', 'show what apply would change; sends no mutating request')
    .addOption(manifestOption())
    .addOption(formatOption())
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when there are none')
    .option('--out <file>', 'also save the plan to this file, for apply FILE to apply exactly', nonEmpty)
    .addOption(concurrencyOption())
    .addOption(adaptiveOption())
    .addOption(requestTimeoutOption())
    .option('--max-deletes <n>', 'refuse (exit 3) any FileSet whose plan deletes more than n files', nonNegativeInt)
    .addOption(emulatorOption())
    .action(action(MODULES.plan));

  sub(program, 'apply', 'make the FileSets match the manifest (create, upload, then guarded prune), or apply a saved plan exactly')
    .argument('[plan-file]', 'a plan saved by plan --out (instead of -f): applied exactly, refused if anything changed since')
    .addOption(new Option('-f, --file <manifest>', 'manifest file (YAML)').argParser(nonEmpty))
    .option('--dry-run', 'plan only; send no mutating request')
    .addOption(formatOption())
    .addOption(concurrencyOption())
    .addOption(adaptiveOption())
    .addOption(requestTimeoutOption())
    .option('--max-deletes <n>', 'refuse (exit 3) any FileSet whose plan deletes more than n files', nonNegativeInt)
    .addOption(backupOption())
    .option('--wait-indexed', 'then wait until every file uploaded is indexed for AI search (exit 1 on a failed file or the timeout)')
    .option('--index-timeout <duration>', 'longest wait of --wait-indexed (default 10m; 30s, 5m, 1h…)', nonEmpty)
    .addOption(emulatorOption())
    .action(action(MODULES.apply));

  sub(program, 'destroy', 'delete the FileSets the manifest declares (e.g. when a PR closes)')
    .addOption(manifestOption())
    .option('--yes', 'confirm: required to delete')
    .addOption(formatOption('text', ['text', 'json']))
    .addOption(backupOption())
    .addOption(emulatorOption())
    .action(action(MODULES.destroy));

  sub(program, 'show', 'render a saved plan (plan --out) or a JSON report (--format json) again, in any format; no request')
    .argument('<file>', 'a plan file or a JSON report')
    .addOption(formatOption())
    .addOption(new Option('--kind <kind>', 'how to word a JSON report (default: apply when it has results, else plan)').choices(['plan', 'apply', 'dry-run']))
    .action(action(MODULES.show));

  sub(program, 'restore', 'upload a backup made by --backup-dir back into its FileSet (created again by name when it is gone)')
    .argument('<backup-dir>', 'a DIR/<FileSet>/<time> directory holding backup.json')
    .option('--fileset <id>', 'restore into this FileSet instead of the recorded one', nonEmpty)
    .addOption(formatOption('text', ['text', 'json']))
    .action(action(MODULES.restore));

  sub(program, 'status', "the manifest's FileSets as a knowledge base: files, bytes, index counts, AI, owner, access; read-only")
    .addOption(manifestOption())
    .addOption(formatOption())
    .addOption(emulatorOption())
    .action(action(MODULES.status));

  sub(program, 'reindex', "queue the files of the manifest's FileSets (under their directoryPaths) for indexing again")
    .addOption(manifestOption())
    .option('--failed-only', 'only the files whose indexing FAILED')
    .addOption(formatOption('text', ['text', 'json']))
    .addOption(emulatorOption())
    .action(action(MODULES.reindex));

  sub(program, 'gc', 'delete FileSets whose name matches a pattern (PR environments left behind); lists only without --yes')
    .requiredOption('--name <pattern>', "name pattern with a literal prefix, e.g. 'docs-pr-*' (* any characters, ? one)", nonEmpty)
    .option('--older-than <duration>', 'only FileSets last changed at least this long ago (30m, 12h, 7d, 2w)', nonEmpty)
    .option('--keep <names...>', 'names never deleted')
    .option('--yes', 'delete (without it: list, exit 2 when any would be deleted)')
    .addOption(formatOption('text', ['text', 'json']))
    .action(action(MODULES.gc));

  sub(program, 'probe', 'learn which documented reading of the Files API this instance follows, on a scratch FileSet deleted afterwards')
    .option('--keep', 'keep the scratch FileSet (its id is printed) instead of deleting it')
    .option('--index-wait <duration>', 'longest wait for a new file to be indexed (30s, 2m…; 0s skips the wait)', nonEmpty, '60s')
    .addOption(formatOption())
    .action(action(MODULES.probe));

  const filesets = sub(program, 'filesets', 'FileSets API (JSON on stdout)');
  sub(filesets, 'list', 'list FileSets')
    .option('--name <name>', 'only FileSets with exactly this name')
    .option('--limit <n>', 'at most n FileSets', positiveInt)
    .action(action(MODULES.filesets, 'list'));
  sub(filesets, 'get', 'get one FileSet').argument('<fileset-id>').action(action(MODULES.filesets, 'get'));
  sub(filesets, 'create', 'create a FileSet')
    .requiredOption('--name <name>', 'FileSet name', nonEmpty)
    .option('--description <text>', 'description')
    .option('--ai-enabled <bool>', 'index the files for AI (true|false)', boolean)
    .action(action(MODULES.filesets, 'create'));
  sub(filesets, 'update', "update a FileSet's name, description or aiEnabled")
    .argument('<fileset-id>')
    .option('--name <name>', 'new name', nonEmpty)
    .option('--description <text>', 'new description')
    .option('--ai-enabled <bool>', 'true|false', boolean)
    .action(action(MODULES.filesets, 'update'));
  sub(filesets, 'delete', 'delete a FileSet and its files').argument('<fileset-id>').action(action(MODULES.filesets, 'delete'));

  const files = sub(program, 'files', 'Files API (JSON on stdout)');
  sub(files, 'list', 'list the files of a FileSet')
    .argument('<fileset-id>')
    .option('--directory <path>', 'only under this directory')
    .option('--immediate', "only the directory's immediate children")
    .option('--files-only', 'leave out directories')
    .option('--limit <n>', 'at most n entries', positiveInt)
    .action(action(MODULES.files, 'list'));
  sub(files, 'get', "get one file's metadata, by id or --path")
    .argument('<fileset-id>')
    .argument('[file-id]')
    .option('--path <path>', 'remote path instead of an id', nonEmpty)
    .action(action(MODULES.files, 'get'));
  sub(files, 'upload', 'upload (or overwrite) one local file')
    .argument('<fileset-id>')
    .argument('<local-file>')
    .option('--path <path>', 'remote path (default: the local file name)', nonEmpty)
    .option('--content-type <type>', 'content type (default: from the name)', nonEmpty)
    .action(action(MODULES.files, 'upload'));
  sub(files, 'download', 'download one file, by id or --path, to --output (default: raw bytes on stdout)')
    .argument('<fileset-id>')
    .argument('[file-id]')
    .option('--path <path>', 'remote path instead of an id', nonEmpty)
    .option('-o, --output <file>', 'write to this file and print {bytes, sha256} as JSON', nonEmpty)
    .action(action(MODULES.files, 'download'));
  sub(files, 'delete', 'delete one file, by id or --path')
    .argument('<fileset-id>')
    .argument('[file-id]')
    .option('--path <path>', 'remote path instead of an id', nonEmpty)
    .action(action(MODULES.files, 'delete'));

  sub(program, 'query', "semantic search over a FileSet's indexed files")
    .argument('<fileset-id>')
    .argument('<text...>')
    .option('--top-k <n>', 'number of matches', positiveInt)
    .option('--directory <path>', 'only files under this directory')
    .option('--expect <path>', 'exit 1 unless this file path is among the matches (a smoke test that the knowledge base answers)', nonEmpty)
    .action(action(MODULES.query));

  return program;
}
