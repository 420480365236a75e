# Sourced by scripts/test, scripts/install and scripts/package-lambda: checks what a script needs
# before it installs or builds anything, and stops at the first thing missing with one line that
# names it and says how to get it (exit 1). Each check is a function; a script calls those it
# needs, with its own name in PREREQUISITES_FOR.
#
# For tests of the checks themselves (Tests/MomentumCLITests/PrerequisiteTests.swift), the
# machine can be described instead of read: MOMENTUM_OS_RELEASE (an os-release file) and
# MOMENTUM_MIN_FREE_GIB (the free-disk threshold); a missing program is shown by a PATH without it.

PREREQUISITES_FOR=${PREREQUISITES_FOR:-$(basename "$0")}

prerequisite_missing() {
    echo "$PREREQUISITES_FOR: missing prerequisite: $*" >&2
    exit 1
}

# The distribution, from os-release: sets OS_ID and OS_VERSION_ID (and OS_ID_LIKE).
read_os_release() {
    local file=${MOMENTUM_OS_RELEASE:-/etc/os-release}
    OS_ID=unknown OS_VERSION_ID="" OS_ID_LIKE=""
    [ -r "$file" ] || return 0
    OS_ID=$(. "$file" && echo "${ID:-unknown}")
    OS_VERSION_ID=$(. "$file" && echo "${VERSION_ID:-}")
    OS_ID_LIKE=$(. "$file" && echo "${ID_LIKE:-}")
}

# Swift 6.0 or later (the package's tools version and language mode).
need_swift() {
    command -v swift > /dev/null 2>&1 \
        || prerequisite_missing "Swift 6.0 or later (no 'swift' on PATH): install a toolchain from swift.org/install and put its usr/bin on PATH"
    local version
    version=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1.\2/p' | head -1)
    [ -n "$version" ] || prerequisite_missing "Swift 6.0 or later ('swift --version' printed no version): reinstall the toolchain from swift.org/install"
    [ "${version%%.*}" -ge 6 ] \
        || prerequisite_missing "Swift 6.0 or later (found Swift $version): install a newer toolchain from swift.org/install"
}

# A Debian or Ubuntu machine with apt-get, run as root or with password-less sudo. Sets SUDO.
need_apt() {
    read_os_release
    case " $OS_ID $OS_ID_LIKE " in
        *" debian "*|*" ubuntu "*) ;;
        *) prerequisite_missing "apt-get on Debian 12 or Ubuntu 24.04 (this is '$OS_ID'): install by hand what the script installs (see Docs/Contributing.md) and run it again" ;;
    esac
    command -v apt-get > /dev/null 2>&1 || prerequisite_missing "apt-get (the package manager of $OS_ID): it is not on PATH"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo > /dev/null 2>&1 && sudo -n true 2>/dev/null \
            || prerequisite_missing "root or password-less sudo, to run apt-get: run 'sudo -v' first, or install the packages the line above names by hand"
        SUDO=sudo
    fi
}

# At least $1 GiB free on the filesystem holding each folder that follows (created if need be).
need_free_disk() {
    local gib=${MOMENTUM_MIN_FREE_GIB:-$1}
    shift
    local folder existing free
    for folder in "$@"; do
        existing=$folder
        while [ ! -d "$existing" ]; do existing=$(dirname "$existing"); done
        free=$(df -Pk "$existing" | awk 'NR == 2 { print int($4 / 1048576) }')
        [ "$free" -ge "$gib" ] \
            || prerequisite_missing "${gib} GiB of free disk under $folder (there are $free GiB): free some space or point TMPDIR and XDG_CACHE_HOME elsewhere"
    done
}

# pkg-config and zlib's headers: the package's CZlib module finds zlib through pkg-config.
need_zlib() {
    need_programs pkg-config:pkg-config
    pkg-config --exists zlib || prerequisite_missing "zlib's development files (apt-get install zlib1g-dev)"
}

# libcurl's development files: MomentumHTTP's transport (CCurlShims) includes curl.h, and a
# statically linked Foundation (scripts/package-lambda) links libcurl.
need_libcurl() {
    need_programs pkg-config:pkg-config
    pkg-config --exists libcurl \
        || prerequisite_missing "libcurl's development files (apt-get install libcurl4-openssl-dev): the HTTP transport is built on libcurl"
}

# Programs the script itself runs; each argument is PROGRAM:DEBIAN-PACKAGE.
need_programs() {
    local pair
    for pair in "$@"; do
        command -v "${pair%%:*}" > /dev/null 2>&1 \
            || prerequisite_missing "${pair%%:*} (apt-get install ${pair#*:})"
    done
}

# Which of the Debian packages named are not installed; prints them.
missing_packages() {
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
    done
}

# A Chromium the headless browser tests can drive. Ubuntu's chromium packages install a shim
# that runs the snap, whose confinement keeps it from the tests' temporary files: on Ubuntu a
# Chromium must be there already (MOMENTUM_CHROMIUM, or a chromium on PATH that is no snap shim).
# Prints what to install with apt-get ('chromium' on Debian when none is there, else nothing).
chromium_to_install() {
    local candidate resolved
    for candidate in "${MOMENTUM_CHROMIUM:-}" chromium chromium-browser google-chrome; do
        [ -n "$candidate" ] || continue
        resolved=$(command -v "$candidate" 2>/dev/null) || continue
        resolved=$(readlink -f "$resolved")
        case "$resolved" in /snap/*|*/bin/snap) continue ;; esac
        grep -qs "snap" "$resolved" 2>/dev/null && [ "$(head -c 2 "$resolved")" = "#!" ] && continue
        return 0
    done
    read_os_release
    case " $OS_ID $OS_ID_LIKE " in
        *" ubuntu "*) prerequisite_missing "a Chromium that is not a snap (on $OS_ID $OS_VERSION_ID, 'apt install chromium' installs a snap shim the headless tests cannot drive): install Google Chrome's .deb or a non-snap Chromium and set MOMENTUM_CHROMIUM=/path/to/it" ;;
        *) echo chromium ;;
    esac
}

# apt-get can reach its archives (apt-get update fails on any source it cannot fetch).
need_apt_reachable() {
    timeout 180 $SUDO apt-get update -q --error-on=any > /tmp/momentum-apt-update.$$ 2>&1 || {
        local reason
        reason=$(grep -E "^(E|W|Err):" /tmp/momentum-apt-update.$$ | head -1)
        rm -f /tmp/momentum-apt-update.$$
        prerequisite_missing "the package archives of /etc/apt/sources.list* (apt-get update failed${reason:+: $reason}): connect to them, or install $* by hand"
    }
    rm -f /tmp/momentum-apt-update.$$
}

# pip can reach its package index (the one pip is configured with) through `python`.
need_pip_reachable() {
    local python=$1
    timeout 60 "$python" -m pip index versions pip --disable-pip-version-check > /dev/null 2>&1 \
        || prerequisite_missing "the Python package index pip is configured with ('pip index versions pip' failed): connect to it, or set PIP_INDEX_URL to a mirror"
}
