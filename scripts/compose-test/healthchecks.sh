#!/usr/bin/env bash
# Runs the Docker HEALTHCHECKs of the project's running containers every few seconds. podman schedules
# healthchecks with systemd timers; without systemd (this sandbox) they would never run and
# `depends_on: condition: service_healthy` would wait forever. A real Docker engine needs none of this.
# Usage: healthchecks.sh <compose project name>     (run in the background by run.sh)
set -uo pipefail
project="$1"
while :; do
  for id in $(podman ps -q --filter "label=com.docker.compose.project=$project" 2>/dev/null); do
    podman healthcheck run "$id" >/dev/null 2>&1 &
  done
  wait
  sleep 3
done
