#!/usr/bin/env bash
# The commands the README and the demo's closing lines print, run as a user would after
# `scripts/install` (the installed `momentum` must be first on PATH). Each must succeed.
set -euo pipefail
root=$(pwd)
work=$(mktemp -d)
trap 'kill %1 2>/dev/null || true; rm -rf "$work"' EXIT
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

# The README's "Try it without Spotify", line by line in one shell from an empty folder, each
# line's output checked. A line this script has no check for fails it: README and test move
# together.
try_it=$(mktemp -d "$work/try.XXXX")
awk '/^## Try it without Spotify/{s=1} s&&/^```sh/{b=1;next} b&&/^```/{exit} b{print}' "$root/README.md" > "$work/try.sh"
[ -s "$work/try.sh" ] || { echo "readme-commands: no sh block under '## Try it without Spotify' in README.md" >&2; exit 1; }
cd "$try_it"
lines=0
while IFS= read -r line; do
    command=${line%%  #*}
    command=${command%"${command##*[![:space:]]}"}
    [ -n "$command" ] || continue
    lines=$((lines + 1))
    echo "+ $command" >&2
    case "$command" in
        *"simulator serve"*"&")
            eval "$command" < /dev/null > "$work/simulator.out" 2>&1
            port=${command##*--port }; port=${port%% *}
            for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
            grep -q "export SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:$port SPOTIFY_API_URL=http://127.0.0.1:$port/v1" "$work/simulator.out" \
                || { echo "readme-commands: the simulator did not print the README's export line" >&2; cat "$work/simulator.out" >&2; exit 1; }
            continue ;;
        export\ *) eval "$command"; continue ;;
        "kill %1") kill %1; wait 2>/dev/null || true; continue ;;
    esac
    eval "$command" < /dev/null > "$work/out" 2> "$work/err" || { cat "$work/err" >&2; echo "readme-commands: '$command' failed" >&2; exit 1; }
    case "$command" in
        "momentum init") python3 -c "import json; assert json.load(open('momentum.json'))['lake']" ;;
        "momentum simulator artists"*) grep -q "Sigur Lanterns" "$work/out" ;;
        "momentum artists add"*) [ "$(python3 -c "import json; print(len(json.load(open('lake/state/artists.json'))['artists']))")" = 3 ] ;;
        "momentum run") ls lake/processed/artist_daily/ > /dev/null && ls lake/raw/releases/ > /dev/null ;;
        "momentum report") grep -q "Sigur Lanterns" "$work/out" && grep -q "Café & Friends" "$work/out" ;;
        "momentum report --artist"*) grep -q "xMp5TuEsIH0xM4diciJM1u" "$work/out" ;;
        "momentum dashboard --out dashboard.html") grep -q "Sigur Lanterns" dashboard.html ;;
        *) echo "readme-commands: no check for the README line '$command'" >&2; exit 1 ;;
    esac || { cat "$work/out" "$work/err" >&2; echo "readme-commands: '$command' did not give what the README says" >&2; exit 1; }
done < "$work/try.sh"
echo "readme-commands: followed 'Try it without Spotify' ($lines lines)" >&2
echo "readme-commands: every command ran" >&2
