#!/usr/bin/env bash
# The analytics benchmark (README-analytics.md): benchmarks/run-analytics.sh [--name=value ...]
# Quick run: benchmarks/run-analytics.sh --events=500000 --profiles=50000 --raw-rows=200000
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" analytics "$@"
