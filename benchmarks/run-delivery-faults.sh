#!/usr/bin/env bash
# The delivery fault test (README-delivery.md): benchmarks/run-delivery-faults.sh [--name=value ...]
# 10,000 requests to 2,000 recipients, channel-gateway killed with SIGKILL twice while it sends; counted on the SMTP server
# (--channel=sms: on the devstack's SMSC).
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" delivery-faults "$@"
