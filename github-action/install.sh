#!/usr/bin/env bash
# Installs (or finds) the domo-filesets CLI and writes its path to the step output `bin`.
#
# Default: the version named in this action's own package.json, from the npm registry, into RUNNER_TEMP.
# The published package already holds the compiled CLI and only its runtime dependencies, so this takes
# seconds; building from the action's checkout would need the dev toolchain (TypeScript, the Pulumi SDK)
# in every job. Tying the version to the action's package.json keeps the CLI and this action's scripts
# (which read its JSON report and use its renderer) from the same release.
# INPUT_VERSION=workspace uses the domo-filesets the caller installed (node_modules/.bin, else PATH), so a
# lockfile can pin it; any other value is an npm version or dist-tag.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workdir="${INPUT_WORKING_DIRECTORY:-.}"
version="${INPUT_VERSION:-}"

fail() {
  echo "::error title=domo-filesets install::$1"
  exit 1
}

if ! command -v node >/dev/null 2>&1; then
  fail "node is not on PATH: set the action's node-version input or run actions/setup-node first (Node.js >= 20.19)"
fi
[ -d "$workdir" ] || fail "working-directory '$workdir' does not exist"

if [ "$version" = workspace ]; then
  if [ -x "$workdir/node_modules/.bin/domo-filesets" ]; then
    bin="$(cd "$workdir" && pwd)/node_modules/.bin/domo-filesets"
  elif bin="$(command -v domo-filesets)"; then
    :
  else
    fail "version 'workspace': no domo-filesets in $workdir/node_modules/.bin or on PATH (npm install --save-dev domo-filesets)"
  fi
else
  if [ -z "$version" ]; then
    version="$(node -p 'require(process.argv[1]).version' "$here/../package.json" 2>/dev/null)" ||
      fail "no version input and no package.json beside the action to read one from"
  fi
  # An npm version, range or dist-tag; anything else (a URL, a path, a git spec) is not what this input means.
  [[ "$version" =~ ^[A-Za-z0-9.^~\<\>=_+-]+$ ]] || fail "version '$version' is not an npm version or dist-tag"
  prefix="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/domo-filesets-cli"
  mkdir -p "$prefix"
  # --ignore-scripts: nothing in the CLI's dependency tree needs an install script.
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "domo-filesets@$version" >&2 ||
    fail "npm could not install domo-filesets@$version"
  bin="$prefix/node_modules/.bin/domo-filesets"
  [ -x "$bin" ] || fail "domo-filesets@$version installed no domo-filesets executable"
fi

echo "domo-filesets $("$bin" --version) at $bin" >&2
echo "bin=$bin" >>"$GITHUB_OUTPUT"
