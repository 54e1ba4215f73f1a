#!/usr/bin/env bash
# `make lint`: every check the project's rules rely on, fastest first. Each tool reads its
# configuration from pyproject.toml; CONTRIBUTING.md says how to run one alone. Runs all checks
# and exits non-zero if any failed, so one report shows everything to fix.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
bin=.venv/bin
failed=()

check() {
  local name=$1
  shift
  printf '== %s\n' "$name"
  if ! "$@"; then
    failed+=("$name")
  fi
}

check "ruff check" "$bin/ruff" check .
check "ruff format" "$bin/ruff" format --check .
check "import contracts" env PYTHONPATH=operator:app:hack "$bin/lint-imports"
# The Django plugin caches what it read from the settings, and mypy does not see a settings change
# as a reason to re-check: a stale cache reports settings that exist as missing. So the cache is
# kept per version of the settings, the configuration and the lock (a cold run takes about 25 s).
mypy_key=$(cat app/panelapp/settings/*.py pyproject.toml uv.lock | sha256sum | cut -c1-12)
check "mypy" "$bin/mypy" --cache-dir ".mypy_cache/$mypy_key"
# Every shell script the project runs, checked by shellcheck (options in .shellcheckrc).
check "shellcheck" "$bin/shellcheck" hack/*.sh .ci/run
check "hadolint" "$bin/hadolint" Dockerfile.app Dockerfile.operator

if ((${#failed[@]})); then
  printf '\nmake lint: failed: %s\n' "${failed[*]}" >&2
  exit 1
fi
printf '\nmake lint: all checks passed\n'
