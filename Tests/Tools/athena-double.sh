# Sourced by scripts/test after seaweedfs.sh and moto.sh: starts the Athena double
# (athena_double.py: Athena's API, statements run by DuckDB over SeaweedFS, tables from moto's
# Glue) on 127.0.0.1; the caller stops it with athena_double_stop (in its EXIT trap).
# Exports MOMENTUM_ATHENA_ENDPOINT and MOMENTUM_ATHENA_LOG (every statement received, JSON lines).

athena_double_start() {
    local port
    port=$("$MOMENTUM_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    ATHENA_DOUBLE_OUTPUT=$(mktemp "${TMPDIR:-/tmp}/momentum-athena-double.XXXXXX")
    MOMENTUM_ATHENA_LOG=$(mktemp "${TMPDIR:-/tmp}/momentum-athena-statements.XXXXXX")
    "$MOMENTUM_PYTHON" "$(dirname "${BASH_SOURCE[0]}")/athena_double.py" --port "$port" --log "$MOMENTUM_ATHENA_LOG" > "$ATHENA_DOUBLE_OUTPUT" 2>&1 &
    ATHENA_DOUBLE_PID=$!
    MOMENTUM_ATHENA_ENDPOINT=http://127.0.0.1:$port
    export MOMENTUM_ATHENA_ENDPOINT MOMENTUM_ATHENA_LOG
    local attempt
    for attempt in $(seq 1 60); do
        if "$MOMENTUM_PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null; then
            echo "Athena double at $MOMENTUM_ATHENA_ENDPOINT (pid $ATHENA_DOUBLE_PID)" >&2
            return 0
        fi
        kill -0 "$ATHENA_DOUBLE_PID" 2>/dev/null || break
        sleep 0.5
    done
    echo "error: the Athena double did not start; its output:" >&2
    tail -30 "$ATHENA_DOUBLE_OUTPUT" >&2
    return 1
}

athena_double_stop() {
    if [ -n "${ATHENA_DOUBLE_PID:-}" ]; then
        kill "$ATHENA_DOUBLE_PID" 2>/dev/null || true
        wait "$ATHENA_DOUBLE_PID" 2>/dev/null || true
        ATHENA_DOUBLE_PID=
        # Its own errors (a traceback is a bug of the double) are shown, not lost.
        [ -s "${ATHENA_DOUBLE_OUTPUT:-}" ] && { echo "Athena double output:" >&2; tail -40 "$ATHENA_DOUBLE_OUTPUT" >&2; }
    fi
    [ -n "${ATHENA_DOUBLE_OUTPUT:-}" ] && rm -f "$ATHENA_DOUBLE_OUTPUT"
    [ -n "${MOMENTUM_ATHENA_LOG:-}" ] && rm -f "$MOMENTUM_ATHENA_LOG"
    return 0
}
