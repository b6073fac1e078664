# Shared set-up for Concord's scripts (sourced, not run).
# Installs only what is missing, so a second run does no network work.

CONCORD_CACHE="${CONCORD_CACHE:-$HOME/.cache/concord}"

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}

# System packages: Swift itself must already be installed (it is the project's toolchain).
concord_setup_system() {
    command -v swift >/dev/null 2>&1 || die "Swift 6.1 or later is required (https://swift.org/install)"
    local need=()
    command -v python3 >/dev/null 2>&1 || need+=(python3)
    python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
    for pkg in zlib1g-dev libsqlite3-dev libsodium-dev libgmp-dev "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    if [ ${#need[@]} -gt 0 ]; then
        step "installing system packages: ${need[*]}"
        as_root apt-get update -q
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${need[@]}"
    fi
}

# A venv for test oracles and benchmark peers; never used by Concord at run time.
ORACLE_PYTHON="$CONCORD_CACHE/venv/bin/python"
concord_setup_oracle_venv() {
    local want=("rdkit==2026.9.1" "scikit-learn==1.9.1" "$@")
    if [ ! -x "$ORACLE_PYTHON" ]; then
        step "creating the oracle venv in $CONCORD_CACHE/venv"
        mkdir -p "$CONCORD_CACHE"
        python3 -m venv "$CONCORD_CACHE/venv"
    fi
    local missing=()
    for req in "${want[@]}"; do
        "$ORACLE_PYTHON" -m pip show "${req%%==*}" >/dev/null 2>&1 || missing+=("$req")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        step "installing oracle packages: ${missing[*]}"
        "$ORACLE_PYTHON" -m pip install -q --disable-pip-version-check "${missing[@]}"
    fi
}

# concord_oracle SCRIPT NAME ARGS...: runs an oracle once and prints the path of its cached output.
# The cache key covers the script's content, its arguments and the RDKit and scikit-learn versions.
concord_oracle() {
    local script=$1 name=$2; shift 2
    [ -f "$script" ] || die "oracle script $script is missing"
    local version key out
    version=$("$ORACLE_PYTHON" -c 'import rdkit, sklearn; print("RDKit", rdkit.__version__, "scikit-learn", sklearn.__version__)')
    key=$( { cat "$script"; echo "$*" "$version"; } | sha256sum | cut -c1-16)
    out="$CONCORD_CACHE/oracle/$name-$key.tsv"
    if [ ! -s "$out" ]; then
        mkdir -p "$CONCORD_CACHE/oracle"
        step "running $script ($version) -> $out"
        "$ORACLE_PYTHON" "$script" --cache "$CONCORD_CACHE" --out "$out.tmp" "$@" >&2
        mv "$out.tmp" "$out"
    fi
    printf '%s\n' "$out"
}

# A throwaway PostgreSQL cluster for the test run (the coordinator's PostgreSQL store): Debian's
# server binaries, a cluster in a temporary directory owned by an unprivileged user ('postgres'
# when run as root), listening on loopback only with trust authentication, fsync off (the tests
# kill coordinators, never the server), TLS with a test CA's certificate for 127.0.0.1 (plain
# connections accepted too). Exports CONCORD_POSTGRES_URL, CONCORD_POSTGRES_CA and CONCORD_REQUIRE_POSTGRES=1;
# the cluster is stopped and removed when the calling script exits.
CONCORD_PG_BIN=/usr/lib/postgresql/15/bin
concord_start_postgres() {
    [ -x "$CONCORD_PG_BIN/pg_ctl" ] || die "PostgreSQL 15's server is missing ($CONCORD_PG_BIN); install Debian's postgresql"
    local port=${CONCORD_POSTGRES_PORT:-54329}
    # Another run on this machine may hold the port: take the next free one.
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    CONCORD_PG_DIR=$(mktemp -d /tmp/concord-pg.XXXXXX)
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$CONCORD_PG_DIR"
        concord_pg() { runuser -u postgres -- "$@"; }
    else
        concord_pg() { "$@"; }
    fi
    step "starting a throwaway PostgreSQL on 127.0.0.1:$port ($CONCORD_PG_DIR)"
    # A test CA and a server certificate for 127.0.0.1, so that the store's verified TLS is tested too.
    command -v openssl >/dev/null 2>&1 || die "openssl is needed for the test cluster's certificates"
    local tls="$CONCORD_PG_DIR/tls"
    mkdir -p "$tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=concord test CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
        -extfile "$tls/server.ext" -out "$tls/server.crt" 2>/dev/null
    chmod 600 "$tls/server.key"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$CONCORD_PG_DIR"
    concord_pg "$CONCORD_PG_BIN/initdb" -D "$CONCORD_PG_DIR/data" -U concord -A trust -E UTF8 --no-sync >"$CONCORD_PG_DIR/initdb.log" 2>&1 \
        || { cat "$CONCORD_PG_DIR/initdb.log" >&2; die "initdb failed"; }
    trap concord_stop_postgres EXIT
    concord_pg "$CONCORD_PG_BIN/pg_ctl" -D "$CONCORD_PG_DIR/data" -l "$CONCORD_PG_DIR/server.log" -w -t 60 \
        -o "-p $port -k $CONCORD_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key" start >/dev/null \
        || { cat "$CONCORD_PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
    export CONCORD_POSTGRES_URL="postgres://concord@127.0.0.1:$port/postgres" CONCORD_POSTGRES_CA="$tls/ca.crt" CONCORD_REQUIRE_POSTGRES=1
}

concord_stop_postgres() {
    [ -n "${CONCORD_PG_DIR:-}" ] && [ -d "$CONCORD_PG_DIR/data" ] || return 0
    concord_pg "$CONCORD_PG_BIN/pg_ctl" -D "$CONCORD_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$CONCORD_PG_DIR"
}
