#!/usr/bin/env bash
# Runs one domo-filesets command for the composite action: builds the command line from INPUT_* variables,
# runs the CLI (DOMO_FILESETS_BIN), writes the step outputs, the step summary and (plan) the PR comment,
# then applies the exit-code rule:
#   plan     0 no changes, 2 changes: the step passes (2 fails it only with fail-on-changes: true);
#            3 a guard refused: the step fails after the summary and comment are written.
#   apply    0 passes; 3 (a guard refused a FileSet, the others were applied) and anything else fail.
#   destroy  0 passes; anything else fails.
#   gc       0 passes; 2 without gc-delete (FileSets would be deleted) passes with a notice; else fails.
# Without a Domo token (pull requests from forks get no secrets) plan runs against an empty embedded
# emulator and apply, destroy, gc and the comment are skipped with a notice.
# Secrets: the Domo token reaches the CLI only through its environment, the GitHub token only the comment
# call's environment (or curl's config on stdin); neither is ever on a command line or printed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Take the tokens out of the inherited environment before anything else runs.
github_token="${INPUT_GITHUB_TOKEN:-}"
unset INPUT_GITHUB_TOKEN
if [ -n "${INPUT_DOMO_TOKEN:-}" ]; then export DOMO_DEVELOPER_TOKEN="$INPUT_DOMO_TOKEN"; fi
unset INPUT_DOMO_TOKEN
if [ -n "${INPUT_DOMO_INSTANCE:-}" ]; then export DOMO_INSTANCE="$INPUT_DOMO_INSTANCE"; fi
if [ -n "${INPUT_DOMO_BASE_URL:-}" ]; then export DOMO_BASE_URL="$INPUT_DOMO_BASE_URL"; fi
export NO_COLOR=1

command="${INPUT_COMMAND:-}"
manifest="${INPUT_MANIFEST:-}"
format="${INPUT_FORMAT:-markdown}"
workdir="${INPUT_WORKING_DIRECTORY:-.}"
bin="${DOMO_FILESETS_BIN:-domo-filesets}"

# ---------------------------------------------------------------------------------------------- helpers

# Workflow-command escaping: a message may not break out of its line or its properties.
escape_data() { local s="$1"; s="${s//'%'/%25}"; s="${s//$'\r'/%0D}"; s="${s//$'\n'/%0A}"; printf '%s' "$s"; }
annotate() { echo "::$1 title=domo-filesets ${command:-action}::$(escape_data "$2")"; }
fail() { annotate error "$1"; exit "${2:-1}"; }
set_output() { echo "$1=$2" >>"$GITHUB_OUTPUT"; }
summary() { if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat >>"$GITHUB_STEP_SUMMARY"; else cat >/dev/null; fi; }

check_bool() { # NAME VALUE: fail naming the input unless VALUE is true or false
  case "$2" in
    true | false) ;;
    *) fail "input $1 must be true or false, not '$2'" ;;
  esac
}

# Splits a whitespace-separated input into the array named by $1, without glob expansion.
split_words() {
  local -n into="$1"
  set -f
  # shellcheck disable=SC2206 # word splitting is the point; globbing is off
  into=($2)
  set +f
}

# Prints a file as-is between stop-commands markers, so CLI output (file names come from the pull request)
# can never be read by the runner as a workflow command.
print_inert() {
  local stop
  stop="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "::stop-commands::$stop"
  cat "$1"
  echo "::$stop::"
}

fence() { # LANG FILE → a fenced block long enough for any backticks inside
  local longest fenceq
  longest="$( (grep -o '`\+' "$2" || true) | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')"
  fenceq='```'
  while [ "${#fenceq}" -le "$longest" ]; do fenceq="$fenceq\`"; done
  printf '%s%s\n' "$fenceq" "$1"
  cat "$2"
  [ -z "$(tail -c 1 "$2")" ] || echo
  printf '%s\n' "$fenceq"
}

# ---------------------------------------------------------------------------------------------- inputs

case "$command" in
  plan | apply | destroy | gc) ;;
  *) fail "input command must be plan, apply, destroy or gc, not '$command'" ;;
esac
case "$format" in
  markdown | text | json) ;;
  *) fail "input format must be markdown, text or json, not '$format'" ;;
esac
comment="${INPUT_COMMENT:-false}" && check_bool comment "$comment"
wait_indexed="${INPUT_WAIT_INDEXED:-false}" && check_bool wait-indexed "$wait_indexed"
gc_delete="${INPUT_GC_DELETE:-false}" && check_bool gc-delete "$gc_delete"
emulator="${INPUT_EMULATOR:-false}" && check_bool emulator "$emulator"
fail_on_changes="${INPUT_FAIL_ON_CHANGES:-false}" && check_bool fail-on-changes "$fail_on_changes"
plan_out="${INPUT_PLAN_OUT:-}"
plan_file="${INPUT_PLAN_FILE:-}"

[ -d "$workdir" ] || fail "working-directory '$workdir' does not exist"
cd "$workdir"

declare -a extra=() keep=()
split_words extra "${INPUT_ARGS:-}"
for word in "${extra[@]}"; do
  case "$word" in
    --format | --format=* | -f | --file | --file=* | --out | --out=* | --yes | --emulator)
      fail "input args must not contain $word: the action sets it (use the matching input)" ;;
  esac
done
split_words keep "${INPUT_GC_KEEP:-}"

if [ "$command" = plan ] || [ "$command" = destroy ] || { [ "$command" = apply ] && [ -z "$plan_file" ]; }; then
  [ -n "$manifest" ] || fail "input manifest is required for $command"
  [ -f "$manifest" ] || fail "manifest '$manifest' not found (relative to working-directory '$workdir')"
fi
if [ -n "${INPUT_INDEX_TIMEOUT:-}" ] && [ "$wait_indexed" != true ]; then
  fail "input index-timeout needs wait-indexed: true"
fi
[ "$command" != gc ] || [ -n "${INPUT_GC_NAME:-}" ] || fail "input gc-name is required for gc (e.g. docs-pr-*)"
[ "$command" != gc ] || [ "$emulator" != true ] || fail "gc has no embedded emulator: it works on a Domo instance"
[ "$command" = plan ] || [ -z "$plan_out" ] || fail "input plan-out is for plan (apply takes plan-file)"
[ "$command" = apply ] || [ -z "$plan_file" ] || fail "input plan-file is for apply"
[ "$command" = plan ] || [ "$comment" != true ] || fail "input comment is for plan"

comment_key="${INPUT_COMMENT_KEY:-$manifest}"
[[ "$comment_key" =~ ^[A-Za-z0-9._/-]*$ ]] || fail "input comment-key may hold only letters, digits and . _ / -"
marker="<!-- domo-filesets-plan:${comment_key} -->"

has_credentials=false
if [ -n "${DOMO_DEVELOPER_TOKEN:-}${DOMO_ACCESS_TOKEN:-}${DOMO_TOKEN:-}" ]; then has_credentials=true; fi

out_dir="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/domo-filesets.XXXXXX")"
stdout_file="$out_dir/stdout"
stderr_file="$out_dir/stderr"
skipped=false
no_credentials_note=""

if [ "$has_credentials" != true ] && [ "$emulator" != true ]; then
  skipped=true
  if [ "$command" != plan ]; then
    annotate notice "No Domo token (pull requests from forks get no secrets): $command skipped, nothing was changed."
    printf '### domo-filesets %s\n\nSkipped: no Domo token in this run (pull requests from forks get no secrets).\n' "$command" | summary
    set_output skipped true
    set_output exitcode ""
    set_output changes ""
    exit 0
  fi
  no_credentials_note="Planned without a Domo token (pull requests from forks get no secrets), against an empty embedded emulator: this checks the manifest (keys, types, variables, overlapping prefixes) and the local files (sources exist, patterns, names, symlinks) and lists every file as an upload into a new FileSet. It does not show what would change on Domo (nothing is known of the real FileSets: no replaces, deletes or guard refusals), and FileSets pinned by id cannot be found."
  annotate notice "$no_credentials_note"
  emulator=true
  if [ -n "$plan_out" ]; then
    annotate notice "plan-out ignored: a plan made against the emulator cannot be applied to Domo."
    plan_out=""
  fi
fi

# ---------------------------------------------------------------------------------------------- command line

declare -a argv=("$command")
case "$command" in
  plan)
    argv+=(-f "$manifest" --format json --detailed-exitcode)
    if [ -n "$plan_out" ]; then mkdir -p "$(dirname "$plan_out")"; argv+=(--out "$plan_out"); fi
    ;;
  apply)
    if [ -n "$plan_file" ]; then argv+=("$plan_file"); else argv+=(-f "$manifest"); fi
    argv+=(--format json)
    if [ "$wait_indexed" = true ]; then argv+=(--wait-indexed); fi
    if [ -n "${INPUT_INDEX_TIMEOUT:-}" ]; then argv+=(--index-timeout "$INPUT_INDEX_TIMEOUT"); fi
    if [ -n "${INPUT_BACKUP_DIR:-}" ]; then argv+=(--backup-dir "$INPUT_BACKUP_DIR"); fi
    ;;
  destroy)
    argv+=(-f "$manifest" --yes)
    if [ -n "${INPUT_BACKUP_DIR:-}" ]; then argv+=(--backup-dir "$INPUT_BACKUP_DIR"); fi
    ;;
  gc)
    argv+=(--name "$INPUT_GC_NAME")
    if [ -n "${INPUT_GC_OLDER_THAN:-}" ]; then argv+=(--older-than "$INPUT_GC_OLDER_THAN"); fi
    for name in "${keep[@]}"; do argv+=(--keep "$name"); done
    if [ "$gc_delete" = true ]; then argv+=(--yes); fi
    ;;
esac
if [ "$emulator" = true ]; then argv+=(--emulator); fi
argv+=("${extra[@]}")

echo "domo-filesets ${argv[*]}"
set +e
"$bin" "${argv[@]}" >"$stdout_file" 2>"$stderr_file"
rc=$?
set -e
print_inert "$stderr_file"
set_output exitcode "$rc"
set_output skipped "$skipped"

# ---------------------------------------------------------------------------------------------- report

# The one-line error the CLI printed last, for the annotation.
cli_error="$(grep -E '^domo-filesets: error:' "$stderr_file" | tail -n 1 || true)"
[ -n "$cli_error" ] || cli_error="$(grep -v '^[[:space:]]*$' "$stderr_file" | tail -n 1 || true)"
cli_error="${cli_error:0:600}"

report_file=""
changes=""
if [ "$command" = plan ] || [ "$command" = apply ]; then
  json_file="$out_dir/report.json"
  cp "$stdout_file" "$json_file"
  summarize_rc=0
  changes="$(node "$here/report.cjs" summarize "$command" "$format" "$json_file" "$bin" "$out_dir/report.$format" 2>/dev/null)" ||
    summarize_rc=$?
  case "$summarize_rc" in
    0) report_file="$out_dir/report.$format" ;;
    3)
      annotate warning "this domo-filesets has no report renderer the action can load: the report is shown as JSON"
      format=json ;;
    *) changes="" ;; # no report: the CLI stopped before printing one
  esac
  if [ -n "$changes" ]; then
    set_output json-report "$json_file"
    if [ "$format" = json ]; then report_file="$json_file"; fi
  fi
else
  if [ -s "$stdout_file" ]; then
    report_file="$out_dir/report.txt"
    cp "$stdout_file" "$report_file"
  fi
  format=text
fi
set_output changes "$changes"
if [ -n "$report_file" ]; then set_output report "$report_file"; fi

plan_digest=""
if [ -n "$plan_out" ] && [ -f "$plan_out" ]; then
  plan_digest="$(node "$here/report.cjs" sha256 "$plan_out")"
  set_output plan-file "$(cd "$(dirname "$plan_out")" && pwd)/$(basename "$plan_out")"
  set_output plan-digest "$plan_digest"
fi

# The verdict, by the exit-code rule at the top of this file.
verdict=ok
message=""
case "$command:$rc" in
  *:0) ;;
  plan:2)
    if [ "$fail_on_changes" = true ]; then verdict=fail; message="the plan has $changes change(s) and fail-on-changes is true"; fi ;;
  plan:3 | apply:3)
    verdict=fail
    message="a safety guard refused a FileSet (exit 3): nothing was changed for it. ${cli_error#domo-filesets: error: }" ;;
  gc:2)
    if [ "$gc_delete" != true ]; then
      annotate notice "FileSets match ${INPUT_GC_NAME} and would be deleted (listed in the summary); gc-delete: true deletes them."
    else
      verdict=fail; message="gc exited 2 with --yes. ${cli_error}"
    fi ;;
  *)
    verdict=fail
    message="domo-filesets $command failed (exit $rc): ${cli_error#domo-filesets: error: }" ;;
esac

# One markdown document for the summary and the comment.
body="$out_dir/body.md"
{
  if [ -n "$no_credentials_note" ]; then printf '> [!NOTE]\n> %s\n\n' "$no_credentials_note"; fi
  if [ -n "$report_file" ]; then
    if [ "$format" = markdown ]; then cat "$report_file"; else printf '### domo-filesets %s\n\n' "$command"; fence "$format" "$report_file"; fi
  else
    printf '### domo-filesets %s\n\nNo report: the command stopped before producing one.\n' "$command"
  fi
  if [ -n "$plan_digest" ]; then printf '\nSaved plan `%s`, SHA-256 `%s`\n' "$plan_out" "$plan_digest"; fi
  if [ "$verdict" = fail ]; then printf '\n> [!CAUTION]\n> %s\n' "$(printf '%s' "$message" | tr '\n' ' ')"; fi
} >"$body"
summary <"$body"

# ---------------------------------------------------------------------------------------------- PR comment

github_api() { # METHOD PATH [JSON_BODY_FILE]: the response body on stdout; non-zero on an HTTP error
  local method="$1" path="$2" input="${3:-}"
  if command -v gh >/dev/null 2>&1; then
    local -a args=(api -X "$method" -H "Accept: application/vnd.github+json" "$path")
    if [ -n "$input" ]; then args+=(--input "$input"); fi
    (
      unset DOMO_DEVELOPER_TOKEN DOMO_ACCESS_TOKEN DOMO_TOKEN
      export GH_TOKEN="$github_token" GH_ENTERPRISE_TOKEN="$github_token"
      host="${GITHUB_SERVER_URL:-https://github.com}"
      host="${host#*://}"
      if [ "$host" != github.com ]; then export GH_HOST="$host"; fi
      exec gh "${args[@]}"
    )
  else
    local -a args=(-sS --fail-with-body -X "$method" -H "Accept: application/vnd.github+json"
      -H "X-GitHub-Api-Version: 2022-11-28" --config - "${GITHUB_API_URL:-https://api.github.com}/$path")
    if [ -n "$input" ]; then args+=(-H "Content-Type: application/json" --data-binary "@$input"); fi
    # printf is a builtin: the header reaches curl on stdin, never on its command line.
    printf 'header = "Authorization: Bearer %s"\n' "$github_token" | (unset DOMO_DEVELOPER_TOKEN DOMO_ACCESS_TOKEN DOMO_TOKEN && exec curl "${args[@]}")
  fi
}

post_comment() {
  local pr repo page_file found_line id count page=1 found=-
  pr="$(node "$here/github.cjs" pr-number)"
  if [ -z "$pr" ]; then annotate notice "not a pull_request event: no plan comment"; return 0; fi
  if [ -z "$github_token" ]; then annotate notice "no github-token: no plan comment"; return 0; fi
  repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
  { printf '%s\n' "$marker"; cat "$body"; } | node "$here/github.cjs" body-json >"$out_dir/comment.json"
  page_file="$out_dir/comments.json"
  while [ "$page" -le 50 ]; do
    github_api GET "repos/$repo/issues/$pr/comments?per_page=100&page=$page" >"$page_file" 2>"$out_dir/api.err" || return 1
    found_line="$(node "$here/github.cjs" find-comment "$marker" <"$page_file" 2>"$out_dir/api.err")" || return 1
    read -r id count <<<"$found_line"
    if [ "$id" != - ]; then found="$id"; break; fi
    [ "$count" -ge 100 ] || break
    page=$((page + 1))
  done
  if [ "$found" != - ]; then
    github_api PATCH "repos/$repo/issues/comments/$found" "$out_dir/comment.json" >/dev/null 2>"$out_dir/api.err" || return 1
    echo "Updated the plan comment $found on #$pr"
  else
    github_api POST "repos/$repo/issues/$pr/comments" "$out_dir/comment.json" >/dev/null 2>"$out_dir/api.err" || return 1
    echo "Posted the plan comment on #$pr"
  fi
}

if [ "$comment" = true ]; then
  if [ "$skipped" = true ]; then
    annotate notice "No Domo token: no plan comment (a fork's token cannot comment, and an emulator plan is not a review of Domo)."
  elif ! post_comment; then
    annotate warning "could not post the plan comment ($(head -c 300 "$out_dir/api.err" 2>/dev/null | tr '\n' ' ')): the token needs 'pull-requests: write'"
  fi
fi

if [ "$verdict" = fail ]; then
  annotate error "$message"
  if [ "$rc" -eq 0 ]; then exit 1; fi
  exit "$rc"
fi
exit 0
