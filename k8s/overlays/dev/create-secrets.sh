#!/usr/bin/env bash
# Creates what the dev overlay references by name but never commits: one PostgreSQL login per service
# (random passwords), the Redis address, and the JWT public key. Run it once before
# 'kubectl apply -k k8s/overlays/dev'; running it again keeps the existing secrets.
# With a local stack's key (.touchpoint/devstack/jwt/public.pem, made by './touchpoint up') the tokens
# of './touchpoint token' work against the cluster too.
set -euo pipefail
NS=${NAMESPACE:-touchpoint-dev}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
KEY=${TOUCHPOINT_JWT_PUBLIC_KEY:-$ROOT/.touchpoint/devstack/jwt/public.pem}

kubectl get namespace "$NS" >/dev/null 2>&1 || kubectl create namespace "$NS"
kubectl label namespace "$NS" pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null

create() { # NAME, then kubectl create secret arguments
  local name=$1; shift
  if kubectl -n "$NS" get secret "$name" >/dev/null 2>&1; then
    echo "secret $name exists, kept"
  else
    kubectl -n "$NS" create secret "$@" && echo "secret $name created"
  fi
}

for db in gateway profile segmentation journey analytics; do
  create "touchpoint-db-$db" generic "touchpoint-db-$db" --type=kubernetes.io/basic-auth \
    --from-literal=username="touchpoint_$db" --from-literal=password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
done
create touchpoint-redis generic touchpoint-redis --from-literal=hosts=redis://redis:6379

if [[ -f $KEY ]]; then
  kubectl -n "$NS" create configmap touchpoint-jwt --from-file=public.pem="$KEY" --dry-run=client -o yaml | kubectl apply -f -
else
  echo "no JWT public key at $KEY: run ./touchpoint up once, or set TOUCHPOINT_JWT_PUBLIC_KEY to a PEM file" >&2
  exit 1
fi
