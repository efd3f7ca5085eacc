#!/usr/bin/env bash
# The journey benchmark (README-journeys.md): benchmarks/run-journeys.sh [--name=value ...]
# Quick run: benchmarks/run-journeys.sh --quick=true (every count scaled down, about 6 minutes).
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" journeys "$@"
