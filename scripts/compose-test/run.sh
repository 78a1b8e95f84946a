#!/usr/bin/env bash
# The compose test (issue 22): builds the real Dockerfile and runs the real docker-compose.yml under
# podman, then checks the stack through it (stack.test.mjs). Called by .ci/run; runs on its own:
#   bash scripts/compose-test/run.sh
# Driver: Debian's docker-compose (1.29) against `podman system service`'s Docker-compatible socket,
# so the stack is driven by the same `docker-compose stop/exec/run/up` calls apply_sla_migration.sh
# makes. Needs root (podman rootful). Installs podman, debootstrap, docker-compose and the docker CLI
# (docker.io) when missing.
# Skips (exit 0) only when containers cannot run here at all, saying why.
# Environment: NIXFLOW_COMPOSE_BUILD_TIMEOUT / NIXFLOW_COMPOSE_TIMEOUT bound the image build and the test
# (seconds, defaults 1500 and 900); NIXFLOW_COMPOSE_KEEP=1 leaves the stack up afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
here="$PWD/scripts/compose-test"
export NIXFLOW_COMPOSE_CACHE="${NIXFLOW_COMPOSE_CACHE:-$HOME/.cache/nixflow-compose-test}"
skip() { echo "SKIP compose test: $*"; exit 0; }
started=$(date +%s)

if [ "$(id -u)" -ne 0 ]; then
  skip "needs root: podman runs rootful here (the sandbox has no user namespaces for rootless podman)."
fi
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
# docker-compose 1.29 runs `exec` and `run` through the docker CLI (against DOCKER_HOST, i.e. podman).
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"
# OCI runtime: podman's default, crun, refuses a host whose controllers are cgroup v1 with a cgroup2 mount
# beside them ("cgroups in hybrid mode not supported"); runc runs there. The choice goes into a private
# copy of containers.conf, which podman, its build and its API service all read.
CONTAINERS_CONF="$(mktemp /tmp/nixflow-containers.XXXXXX.conf)"
export CONTAINERS_CONF
trap 'rm -f "$CONTAINERS_CONF"' EXIT
if [ ! -e /sys/fs/cgroup/cgroup.controllers ] && mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
  if ! command -v runc >/dev/null 2>&1; then
    echo "Installing runc (cgroups in hybrid mode) ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq runc >/dev/null
  fi
  sed 's/^\[engine\]$/[engine]\nruntime = "runc"/' "$here/containers.conf" >"$CONTAINERS_CONF"
  echo "cgroups in hybrid mode here: podman runs containers with runc."
else
  cp "$here/containers.conf" "$CONTAINERS_CONF"
fi

# Base image stand-ins (cached). Exit 77: a container cannot start here at all.
set +e
timeout --kill-after=30 900 bash "$here/base-images.sh"
rc=$?
set -e
[ "$rc" -eq 77 ] && skip "podman cannot start a container in this environment (the error is above)."
[ "$rc" -ne 0 ] && exit "$rc"

# The Docker-compatible API on a private socket, and the healthcheck runner podman lacks without systemd.
run_dir="$(mktemp -d /tmp/nixflow-compose-test.XXXXXX)"
sock="$run_dir/podman.sock"
project=nixflow-compose-test
podman system service --time=0 "unix://$sock" >"$run_dir/podman-service.log" 2>&1 &
service_pid=$!
bash "$here/healthchecks.sh" "$project" &
health_pid=$!
cleanup() {
  kill "$health_pid" 2>/dev/null || true
  kill "$service_pid" 2>/dev/null || true
  wait "$health_pid" "$service_pid" 2>/dev/null || true
  rm -rf "$run_dir" "$CONTAINERS_CONF"
}
trap cleanup EXIT
for _ in $(seq 1 60); do [ -S "$sock" ] && break; sleep 0.5; done
[ -S "$sock" ] || { cat "$run_dir/podman-service.log"; echo "podman system service did not start"; exit 1; }

export DOCKER_HOST="unix://$sock"
export COMPOSE_PROJECT_NAME="$project"
export COMPOSE_FILE="docker-compose.yml:scripts/compose-test/compose.test.yml"
# Not COMPOSE_INTERACTIVE_NO_CLI: with it, docker-compose 1.29 runs `exec`/`run` through its own API
# client instead of the docker CLI, and those calls break against podman (apply_sla_migration.sh relies
# on both). Without a terminal, compose prints no progress bars anyway.
export COMPOSE_PARALLEL_LIMIT=4
echo "Base images ready after $(($(date +%s) - started)) s."

# The project's images, through compose as an operator builds them (migrate and backend share a target:
# the second build is a cache hit). The output is shown: a failing build is the first thing to read.
build_started=$(date +%s)
echo "docker-compose build ..."
# Compose resolves the whole file, secrets included, even to build; the images never contain them.
JWT_SECRET=unused-by-the-build EMAIL_SECRET_KEY=unused-by-the-build \
  timeout --kill-after=30 "${NIXFLOW_COMPOSE_BUILD_TIMEOUT:-1500}" docker-compose build
export NIXFLOW_COMPOSE_BUILD_SECONDS=$(($(date +%s) - build_started))
echo "Images built in $NIXFLOW_COMPOSE_BUILD_SECONDS s."
podman images --filter "reference=nixflow:local" --format '{{.Repository}}:{{.Tag}}  {{.Size}}'

echo "Running the stack test ..."
timeout --kill-after=30 "${NIXFLOW_COMPOSE_TIMEOUT:-900}" \
  node --test --test-reporter=spec --test-timeout=900000 "$here/stack.test.mjs"
echo "Compose test passed in $(($(date +%s) - started)) s."
