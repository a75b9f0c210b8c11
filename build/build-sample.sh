#!/usr/bin/env bash
# Packs FineTune.Build.Sdk into artifacts/packages and builds the sample dataset projects with it.
# Usage: build/build-sample.sh [extra dotnet build arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet pack FineTune.Build.sln -c Release -o artifacts/packages -nodeReuse:false -v:q
# The sample's nuget.config uses artifacts/nuget-packages: drop the SDK from it so the package just packed is used.
rm -rf artifacts/nuget-packages/finetune.build.sdk
dotnet build sample-project/samples.sln -nodeReuse:false "$@"
echo
echo "Compiled datasets:"
ls -1 sample-project/*/bin/Debug/*.jsonl
