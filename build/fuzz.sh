#!/usr/bin/env bash
# Fuzzes the readers (YAML, CSV, TSV, JSONL, CSV templates) through the real compile in-process with deterministic
# mutations of ../shared/data and the tests' sources. Findings (crashes, hangs over 10 s, over 1 GB) are saved to
# artifacts/fuzz-findings; exit code 1 when there are any.
# Usage: build/fuzz.sh [target|all] [inputs per target, default 1000000] [--workers N] [--seed N] [--findings DIR]
#        build/fuzz.sh replay <target> <file.input> [times]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Scratch files (one folder per worker) go to memory when there is a tmpfs.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi

dotnet build fuzz/FineTune.Build.Fuzz -c Release -nodeReuse:false -v:q
if [ $# -eq 0 ]; then
  set -- all
fi
exec dotnet fuzz/FineTune.Build.Fuzz/bin/Release/net10.0/FineTune.Build.Fuzz.dll "$@"
