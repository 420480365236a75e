#!/usr/bin/env bash
# The commands the README and the demo's closing lines print, run as a user would after
# `scripts/install` (the installed `momentum` must be first on PATH). Each must succeed.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
run() { echo "+ $*" >&2; "$@" > "$work/out" 2> "$work/err" || { cat "$work/err" >&2; echo "readme-commands: '$*' failed" >&2; exit 1; }; }
installed=$(command -v momentum)
case "$installed" in *"/bin/momentum") ;; *) echo "readme-commands: no installed momentum on PATH" >&2; exit 1 ;; esac
run momentum --version
for shell in bash zsh fish; do run momentum --generate-completion-script "$shell"; grep -q momentum "$work/out"; done
run momentum init
python3 -c "import json; json.load(open('momentum.json'))"
run momentum demo --dir demo --artists 8 --days 60
# The demo's closing lines name these commands; run each one it printed.
grep -E '^(explore:)? *momentum ' "$work/err" | sed 's/^explore: *//; s/^ *//' > "$work/printed"
[ -s "$work/printed" ] || { echo "readme-commands: the demo printed no command to try" >&2; exit 1; }
while read -r line; do
    read -r -a words <<< "$line"
    run "${words[@]}"
done < "$work/printed"
lake=demo/lake
artist=$(momentum report --lake "$lake" --format json --top 1 | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['artist_id'])")
run momentum report --lake "$lake" --top 5
run momentum report --lake "$lake" --artist "spotify:artist:$artist"
run momentum releases impact --lake "$lake" --artist "https://open.spotify.com/artist/$artist"
run momentum releases impact --lake "$lake" --all --format csv
run momentum transform --lake "$lake"
run momentum dashboard --lake "$lake" --out dashboard.html --artist "$artist"
run momentum artists list --lake "$lake"
run momentum simulator artists --artists 3
echo "readme-commands: every command ran" >&2
