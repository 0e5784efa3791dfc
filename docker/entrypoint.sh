#!/usr/bin/env bash
# Nothing to prepare here: migrations, messages and static files are handled by the
# one-shot `migrate` service. exec makes the command PID 1 so it receives SIGTERM.
set -euo pipefail
exec "$@"
