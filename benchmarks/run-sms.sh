#!/usr/bin/env bash
# The SMS benchmark (README-delivery.md): benchmarks/run-sms.sh [--messages=5000 --concurrency=8 ...]
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" sms "$@"
