#!/usr/bin/env bash
# The README's test command (`npm run test:all`): everything CI checks, in one run.
#
# Installs what it needs (Debian packages, node_modules) when missing, then runs the checks.
# Each static check counts as one test; the vitest suite counts each of its tests. In CI
# (CI=true) a skipped or todo test counts as failed. The last line printed is always
# `N passed, N failed`; the exit status is non-zero when anything failed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mlops-test-all.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

PASSED=0
FAILED=0
FAILED_NAMES=()

summary() {
  if ((${#FAILED_NAMES[@]})); then
    echo
    echo "failed:"
    printf '  %s\n' "${FAILED_NAMES[@]}"
  fi
  echo "$PASSED passed, $FAILED failed"
}

# Stop before the checks: an environment problem is one failure.
abort() {
  echo "test-all: $1" >&2
  FAILED=$((FAILED + 1))
  FAILED_NAMES+=("$2")
  summary
  exit 2
}

# ---- environment -----------------------------------------------------------------------------

APT_UPDATED=
# apt_install PKG: install a Debian package (as root, or through passwordless sudo).
apt_install() {
  local pkg=$1 sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || { echo "test-all: install $pkg (no root, no sudo)" >&2; return 1; }
    sudo=(sudo -n)
  fi
  command -v apt-get >/dev/null 2>&1 || { echo "test-all: install $pkg (no apt-get)" >&2; return 1; }
  if [[ -z $APT_UPDATED ]]; then
    "${sudo[@]}" apt-get update -qq >/dev/null || return 1
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "$pkg" >/dev/null
}

# need_pkg CMD PKG: make sure command CMD exists, installing Debian package PKG when it does not.
need_pkg() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null 2>&1 && return 0
  echo "test-all: installing $pkg (for $cmd)"
  apt_install "$pkg" || return 1
  command -v "$cmd" >/dev/null 2>&1
}

# need_py_module MOD PKG: make sure the system Python (/usr/bin/python3, the one Debian's
# python3-* packages serve) imports MOD, installing PKG when it does not.
need_py_module() {
  local mod=$1 pkg=$2
  /usr/bin/python3 -c "import $mod" >/dev/null 2>&1 && return 0
  echo "test-all: installing $pkg (for Python's $mod)"
  apt_install "$pkg" || return 1
  /usr/bin/python3 -c "import $mod" >/dev/null 2>&1
}

need_pkg git git || abort "could not install git" "install git"
# the PyTorch example trainer runs on the CPU in the tests
need_py_module torch python3-torch || abort "could not install python3-torch" "install python3-torch"
# test/nginx.test.ts puts the generated traffic split in front of two test servers
need_pkg nginx nginx || abort "could not install nginx" "install nginx"
# test/prometheus.test.ts runs the prometheus metrics provider against a real Prometheus
need_pkg prometheus prometheus || abort "could not install prometheus" "install prometheus"
# test/online-redis.test.ts runs the Redis online store against a real redis-server
need_pkg redis-server redis-server || abort "could not install redis-server" "install redis-server"
# test/drift-report-chromium.test.ts and test/dashboard-chromium.test.ts render the drift report
# and the registry dashboard in headless Chromium
need_pkg chromium chromium || abort "could not install chromium" "install chromium"

# npm writes node_modules/.package-lock.json on every install: older than the lock = stale.
# --ignore-scripts: `prepare` would build here; the build is one of the checks below instead,
# so a broken build is reported as such and does not stop the other checks.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "test-all: npm ci"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error || abort "npm ci failed" "npm ci"
fi

# ---- static checks (in parallel; each is one test) ---------------------------------------------

STEPS=(typecheck lint format dist workflows build)
declare -A CMDS=(
  [typecheck]="node_modules/.bin/tsc --noEmit"
  [lint]="node_modules/.bin/eslint ."
  [format]="node_modules/.bin/prettier --check --log-level=warn ."
  [dist]="node scripts/check-dist.mjs"
  [workflows]="node scripts/check-workflows.mjs"
  # The CLI bundle the tests may run (bin/mlops.js → dist/cli.js); not committed, so built.
  [build]="node scripts/build.mjs cli"
)
declare -A NAMES=(
  [typecheck]="typecheck (tsc --noEmit)"
  [lint]="lint (eslint)"
  [format]="format check (prettier)"
  [dist]="dist freshness (scripts/check-dist.mjs)"
  [workflows]="workflow schemas (scripts/check-workflows.mjs)"
  [build]="build CLI (scripts/build.mjs cli)"
)

declare -A PIDS=()
for step in "${STEPS[@]}"; do
  (
    start=$SECONDS
    bash -c "${CMDS[$step]}" >"$WORK/$step.log" 2>&1
    rc=$?
    echo "$rc $((SECONDS - start))" >"$WORK/$step.rc"
  ) &
  PIDS[$step]=$!
done

# record NAME RC SECS LOG: one check's result counted and printed, with its log's tail on failure.
record() {
  local name=$1 rc=$2 secs=$3 log=$4
  if [[ $rc == 0 ]]; then
    PASSED=$((PASSED + 1))
    echo "ok    $name (${secs}s)"
  else
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$name")
    echo "FAIL  $name (${secs}s, exit $rc):"
    tail -n 60 "$log" | sed 's/^/      /'
  fi
}

for step in "${STEPS[@]}"; do
  wait "${PIDS[$step]}"
  read -r rc secs <"$WORK/$step.rc" || { rc=1 secs=?; }
  record "${NAMES[$step]}" "$rc" "$secs" "$WORK/$step.log"
done

# ---- the README's first command -----------------------------------------------------------------

# `npx mlops demo` through the built bundle, as a newcomer runs it (the tests run the demo
# in-process from the sources); --no-keep removes its repository afterwards.
start=$SECONDS
rc=0
# (the build check above made dist/cli.js; without it this fails too, saying so)
npx --no-install mlops demo --no-keep >"$WORK/demo.log" 2>&1 &&
  grep -q '^Removed the demo repository .* (--no-keep)\.$' "$WORK/demo.log" || rc=$?
record "README's first command (npx mlops demo)" "$rc" "$((SECONDS - start))" "$WORK/demo.log"

# ---- vitest ------------------------------------------------------------------------------------

echo
REPORT="$WORK/vitest.json"
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json="$REPORT"
VITEST_RC=$?

# Prints: passed failed, then one failure name per line.
COUNTS=$(node - "$REPORT" "$VITEST_RC" "${CI:-}" <<'EOF'
const fs = require('node:fs');
const [report, rc, ci] = process.argv.slice(2);
const strict = ci === 'true' || ci === '1';
let r;
try {
  r = JSON.parse(fs.readFileSync(report, 'utf8'));
} catch {
  console.log('0 1');
  console.log(`vitest (no report; exit ${rc})`);
  process.exit(0);
}
const names = [];
let failed = r.numFailedTests ?? 0;
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
for (const file of r.testResults ?? []) {
  const rel = require('node:path').relative(process.cwd(), file.name);
  for (const t of file.assertionResults ?? []) {
    if (t.status === 'failed') names.push(`${rel} > ${t.fullName}`);
    else if (strict && t.status !== 'passed') names.push(`${rel} > ${t.fullName} (${t.status} in CI)`);
  }
  // A file that fails to load reports no tests: count it once.
  const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed').length;
  if (file.status === 'failed' && failedTests === 0) {
    failed += 1;
    names.push(`${rel} (${(file.message || 'failed to run').split('\n')[0]})`);
  }
}
if (strict) failed += skipped;
if (rc !== '0' && failed === 0) {
  failed = 1;
  names.push(`vitest (exit ${rc})`);
}
console.log(`${r.numPassedTests ?? 0} ${failed}`);
for (const n of names) console.log(n);
EOF
) || COUNTS=$'0 1\nvitest (could not read its report)'

read -r vpassed vfailed <<<"$(head -n 1 <<<"$COUNTS")"
PASSED=$((PASSED + vpassed))
FAILED=$((FAILED + vfailed))
while IFS= read -r name; do
  [[ -n $name ]] && FAILED_NAMES+=("$name")
done < <(tail -n +2 <<<"$COUNTS")

summary
((FAILED == 0))
