# Sourced by scripts/test and Benchmarks/s3/run: starts SeaweedFS (a real S3 server that checks
# every signature and enforces If-None-Match) on 127.0.0.1; the caller stops it with
# seaweedfs_stop (in its EXIT trap). Exports MOMENTUM_S3_ENDPOINT, MOMENTUM_S3_ACCESS_KEY and
# MOMENTUM_S3_SECRET.
#
# Ports: base..base+3 for master, volume, filer and S3; SeaweedFS adds 10000 for gRPC, so the
# base stays below 45000 (everything below 55000). The Iceberg and Lance side servers are off.
# Each bucket is a collection with volumes of its own: small volumes, as many as the disk
# holds (-volume.max=0), so that the tests' buckets never run out.

seaweedfs_start() {
    local weed=$1
    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/momentum-seaweedfs.XXXXXX")
    local base
    base=$("$MOMENTUM_PYTHON" - <<'PY'
import random, socket
for _ in range(200):
    base = random.randrange(20000, 44990, 10)
    try:
        sockets = []
        for port in [p for b in (base, base + 10000) for p in range(b, b + 4)]:
            s = socket.socket(); s.bind(("127.0.0.1", port)); sockets.append(s)
        for s in sockets: s.close()
        print(base); break
    except OSError:
        for s in sockets: s.close()
PY
)
    MOMENTUM_S3_ACCESS_KEY=AKIDMOMENTUMTEST
    MOMENTUM_S3_SECRET=$("$MOMENTUM_PYTHON" -c 'import secrets; print(secrets.token_urlsafe(24))')
    cat > "$dir/identities.json" <<JSON
{"identities": [{"name": "momentum-tests", "credentials": [{"accessKey": "$MOMENTUM_S3_ACCESS_KEY", "secretKey": "$MOMENTUM_S3_SECRET"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
    mkdir -p "$dir/data"
    "$weed" server -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
        -master.port=$base -volume.port=$((base + 1)) -filer.port=$((base + 2)) \
        -volume.max=0 -master.volumeSizeLimitMB=64 \
        -s3 -s3.port=$((base + 3)) -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$dir/identities.json" \
        > "$dir/weed.log" 2>&1 &
    SEAWEEDFS_PID=$!
    SEAWEEDFS_DIR=$dir
    MOMENTUM_S3_ENDPOINT=http://127.0.0.1:$((base + 3))
    export MOMENTUM_S3_ENDPOINT MOMENTUM_S3_ACCESS_KEY MOMENTUM_S3_SECRET
    # Ready when a signed request can create a bucket (the filer and a volume are up).
    local attempt
    for attempt in $(seq 1 90); do
        if AWS_ACCESS_KEY_ID=$MOMENTUM_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$MOMENTUM_S3_SECRET AWS_DEFAULT_REGION=us-east-1 \
            "$MOMENTUM_PYTHON" -c "
import boto3, sys
s3 = boto3.client('s3', endpoint_url='$MOMENTUM_S3_ENDPOINT')
s3.create_bucket(Bucket='momentum-ready'); s3.put_object(Bucket='momentum-ready', Key='ready', Body=b'1')
" 2>/dev/null; then
            echo "SeaweedFS S3 at $MOMENTUM_S3_ENDPOINT (pid $SEAWEEDFS_PID)" >&2
            return 0
        fi
        kill -0 "$SEAWEEDFS_PID" 2>/dev/null || break
        sleep 1
    done
    echo "error: SeaweedFS did not start; its log:" >&2
    tail -30 "$dir/weed.log" >&2
    return 1
}

seaweedfs_stop() {
    if [ -n "${SEAWEEDFS_PID:-}" ]; then
        # SeaweedFS may linger in its graceful shutdown: ten seconds, then KILL.
        kill "$SEAWEEDFS_PID" 2>/dev/null || true
        local waited
        for waited in $(seq 1 20); do
            kill -0 "$SEAWEEDFS_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$SEAWEEDFS_PID" 2>/dev/null || true
        wait "$SEAWEEDFS_PID" 2>/dev/null || true
        SEAWEEDFS_PID=
    fi
    [ -n "${SEAWEEDFS_DIR:-}" ] && rm -rf "$SEAWEEDFS_DIR"
    return 0
}
