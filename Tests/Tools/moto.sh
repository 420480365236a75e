# Sourced by scripts/test: starts moto_server (AWS's Glue, Athena and other JSON APIs, in
# memory; it runs no SQL) on 127.0.0.1; the caller stops it with moto_stop (in its EXIT trap).
# Exports MOMENTUM_MOTO_ENDPOINT. The command is given whole (moto_server.py: moto's server
# with one fix), and gets the host and port options.

moto_start() {
    local port
    port=$("$MOMENTUM_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    MOTO_LOG=$(mktemp "${TMPDIR:-/tmp}/momentum-moto.XXXXXX")
    # MOTO_PORT: the state machines moto executes call its own services on this port.
    MOTO_PORT=$port "$@" -H 127.0.0.1 -p "$port" > "$MOTO_LOG" 2>&1 &
    MOTO_PID=$!
    MOMENTUM_MOTO_ENDPOINT=http://127.0.0.1:$port
    export MOMENTUM_MOTO_ENDPOINT
    local attempt
    for attempt in $(seq 1 60); do
        if "$MOMENTUM_PYTHON" -c "import urllib.request; urllib.request.urlopen('$MOMENTUM_MOTO_ENDPOINT/moto-api/')" 2>/dev/null; then
            echo "moto at $MOMENTUM_MOTO_ENDPOINT (pid $MOTO_PID)" >&2
            return 0
        fi
        kill -0 "$MOTO_PID" 2>/dev/null || break
        sleep 0.5
    done
    echo "error: moto_server did not start; its log:" >&2
    tail -30 "$MOTO_LOG" >&2
    return 1
}

moto_stop() {
    if [ -n "${MOTO_PID:-}" ]; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
        MOTO_PID=
    fi
    [ -n "${MOTO_LOG:-}" ] && rm -f "$MOTO_LOG"
    return 0
}
