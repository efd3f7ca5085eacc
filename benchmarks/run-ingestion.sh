#!/usr/bin/env bash
# The ingestion benchmark (README.md): benchmarks/run-ingestion.sh [--name=value ...]
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" ingestion "$@"
