#!/usr/bin/env bash
# The segmentation benchmark (README-segmentation.md): benchmarks/run-segmentation.sh [--name=value ...]
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" segmentation "$@"
