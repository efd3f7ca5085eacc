#!/usr/bin/env bash
# The on-site content benchmark (README-content.md): benchmarks/run-content.sh [--name=value ...]
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" content "$@"
