#!/usr/bin/env bash
# Times whole `dotnet build`s of one generated prompt/completion CSV with two packed versions of FineTune.Build.Sdk,
# in the same run, alternating, plus a tiny project's build (20 rows: the fixed cost of a build) and the no-op
# incremental builds of all three.
# Usage: benchmarks/build-compare.sh <feed folder> <old version> <new version> [examples (default 39169)] [rounds (default 3)]
# Pack each commit first, e.g. in a worktree of the old commit:
#   dotnet pack src/FineTune.Build.Sdk/FineTune.Build.Sdk.csproj -c Release -o <feed> -p:Version=0.9.0-old
# and in this one: dotnet pack src/FineTune.Build.Sdk/FineTune.Build.Sdk.csproj -c Release -o <feed> -p:Version=0.9.1-new
# Prints seconds, peak resident MB (GNU time, largest process) and CPU seconds (user + sys, less disturbed than wall
# time by other load on a shared machine) per build, and the ratios.
set -euo pipefail
feed="$(cd "$1" && pwd)"; old="$2"; new="$3"; examples="${4:-39169}"; rounds="${5:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/finetune-build-compare.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_PACKAGES="$work/packages"

dotnet build "$root/benchmarks/FineTune.Build.Benchmarks" -c Release -nodeReuse:false -v:q >/dev/null
bench="$root/benchmarks/FineTune.Build.Benchmarks/bin/Release/net10.0/FineTune.Build.Benchmarks.dll"
dotnet "$bench" generate csv "$examples" "$work/data.csv"
echo "input: $(stat -c %s "$work/data.csv") bytes, $examples rows"

make_project() { # name sdk-version with-data
  mkdir -p "$work/$1"
  cat > "$work/$1/nuget.config" <<XML
<configuration><packageSources><clear /><add key="feed" value="$feed" /></packageSources></configuration>
XML
  cat > "$work/$1/$1.proj" <<XML
<Project Sdk="FineTune.Build.Sdk/$2">
  <PropertyGroup><FineTuneBaseModel>babbage-002</FineTuneBaseModel></PropertyGroup>
</Project>
XML
  if [ "$3" = yes ]; then ln -s "$work/data.csv" "$work/$1/data.csv"; else dotnet "$bench" generate csv 20 "$work/$1/data.csv"; fi
  dotnet restore "$work/$1/$1.proj" -nodeReuse:false -v:q >/dev/null
}
make_project old "$old" yes
make_project new "$new" yes
make_project tiny "$new" no
# The floor: MSBuild starting, evaluating and running one empty target, with no SDK at all.
mkdir -p "$work/floor" && echo '<Project><Target Name="Build" /></Project>' > "$work/floor/floor.proj"

measure() { # label project [clean]
  if [ "${3:-}" = clean ]; then rm -rf "$work/$2/bin" "$work/$2/obj/FineTune"*; fi
  /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" dotnet build "$work/$2/$2.proj" --no-restore -nodeReuse:false -v:m >"$work/$2.log" 2>&1 || { cat "$work/$2.log"; exit 1; }
  read -r seconds kb user sys < "$work/time.txt"
  echo "$1 $seconds $((kb / 1024)) $(awk "BEGIN { print $user + $sys }")"
}

for round in $(seq "$rounds"); do
  measure "new-build" new clean
  measure "old-build" old clean
  measure "tiny-build" tiny clean
  measure "new-noop" new
  measure "old-noop" old
  measure "tiny-noop" tiny
  measure "floor-build" floor
done | tee "$work/results.txt"

awk '{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2; if ($3 > peak[$1]) peak[$1] = $3; if (!($1 in cpu) || $4 < cpu[$1]) cpu[$1] = $4 }
  END {
    for (k in best) printf "best %-12s %6.2f s  peak %5d MB  cpu %6.2f s\n", k, best[k], peak[k], cpu[k];
    printf "new build vs old build: %.2fx faster\n", best["old-build"] / best["new-build"];
    printf "new no-op vs tiny no-op: %+.0f%%\n", 100 * (best["new-noop"] / best["tiny-noop"] - 1);
    printf "build of the CSV minus the tiny project: old %.2f s, new %.2f s\n", best["old-build"] - best["tiny-build"], best["new-build"] - best["tiny-build"];
    printf "tiny build minus the empty-MSBuild floor (the SDK fixed cost): %.2f s\n", best["tiny-build"] - best["floor-build"];
  }' "$work/results.txt"
