#!/usr/bin/env bash
# The email benchmark (README-delivery.md): benchmarks/run-delivery.sh [--name=value ...]
# A 100,000-email broadcast and tracked event → email latency through the stack, next to a plain SMTP client.
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" delivery "$@"
