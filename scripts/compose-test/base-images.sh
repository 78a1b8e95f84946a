#!/usr/bin/env bash
# Builds the stand-ins for the public base images the Dockerfile and docker-compose.yml name
# (node:20-bookworm-slim, postgres:16, redis:7), since no registry is reachable here: Debian bookworm
# from Debian's mirror (debootstrap --variant=minbase) imported into podman, plus what each image needs.
# Cached: skipped when the stamp matches these files, the host's Node.js and the images still exist.
# Usage: base-images.sh [--force]     Environment: CONTAINERS_CONF (see run.sh), NIXFLOW_COMPOSE_CACHE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${NIXFLOW_COMPOSE_CACHE:-$HOME/.cache/nixflow-compose-test}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$cache"

base=nixflow-compose-test/bookworm:minbase
images=(docker.io/library/node:20-bookworm-slim docker.io/library/postgres:16 docker.io/library/redis:7)
node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(readlink -f "$(dirname "$(readlink -f "$(command -v npm)")")/..")"
key="$( (cat "$0" "$here"/images/*/*; "$node_bin" --version; sha256sum /etc/ssl/certs/ca-certificates.crt) | sha256sum | cut -c1-16)"

# Exit 77 when no container can start here at all (run.sh turns that into a skip).
probe() {
  local err
  if ! err="$(podman run --rm --network none "$base" true 2>&1)"; then
    echo "$err" >&2
    exit 77
  fi
}
have_all() { for i in "$base" "${images[@]}"; do podman image exists "$i" || return 1; done; }
if [ "${1:-}" != --force ] && [ "$(cat "$cache/stamp" 2>/dev/null)" = "$key" ] && have_all; then
  probe
  echo "Base image stand-ins are up to date (stamp $key)."
  exit 0
fi

# 1. Debian bookworm minbase, kept as a tarball so a wiped image store does not debootstrap again.
if [ ! -s "$cache/bookworm-minbase.tar" ]; then
  echo "debootstrap --variant=minbase bookworm from $mirror (a few minutes) ..."
  rootfs="$(mktemp -d /var/tmp/nixflow-bookworm.XXXXXX)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log"; exit 1; }
  # The trusted CAs of this machine (a TLS-intercepting proxy may sit between it and the npm registry),
  # and apt configured as in Docker's Debian images: no recommends, no cached .debs.
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt" 2>/dev/null ||
    { mkdir -p "$rootfs/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -cf "$cache/bookworm-minbase.tar.tmp" .
  mv "$cache/bookworm-minbase.tar.tmp" "$cache/bookworm-minbase.tar"
  rm -rf "$rootfs"
fi
podman import --quiet "$cache/bookworm-minbase.tar" "$base" >/dev/null
probe

# 2. The stand-ins. Host networking: apt inside the build reaches Debian's mirror as the host does.
build() { podman build --quiet --network host --pull=never --tag "$1" "$2" >/dev/null; echo "built $1"; }
ctx="$(mktemp -d /var/tmp/nixflow-node-ctx.XXXXXX)"
trap 'rm -rf "$ctx"' EXIT
cp "$here/images/node/Containerfile" "$ctx/"
cp "$node_bin" "$ctx/node"
cp -r "$npm_dir" "$ctx/npm"
build docker.io/library/node:20-bookworm-slim "$ctx"
build docker.io/library/postgres:16 "$here/images/postgres"
build docker.io/library/redis:7 "$here/images/redis"
echo "$key" >"$cache/stamp"
