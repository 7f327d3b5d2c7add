#!/usr/bin/env bash
# Kind end-to-end test: builds the three images, creates a Kind cluster, installs the chart, applies
# a small synthetic stage with the CPU trainer, waits for Promoted and a Ready inference Deployment,
# and calls /v1/predict through the track's Service.
#
#   e2e/kind-e2e.sh              # KEEP_CLUSTER=1 keeps the cluster afterwards
#
# Needs Docker, kind, helm and kubectl. Without a Docker engine it prints SKIPPED and exits 0: it is
# opt-in, and `.ci/run` does not call it (the workflow .github/workflows/e2e.yml does).
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER=${CLUSTER:-pillsnap-e2e}
NS=pillsnap-e2e
TAG=e2e

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "e2e: SKIPPED - no Docker engine found (docker info failed); Kind needs one."
  exit 0
fi
for tool in kind helm kubectl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "e2e: FAILED - $tool is not installed (see e2e/README.md)" >&2; exit 1; }
done

step() { printf '\n=== %s\n' "$*"; }
cleanup() {
  status=$?
  if [ $status -ne 0 ]; then
    echo "e2e: FAILED - state of the cluster:" >&2
    kubectl -n "$NS" get pillsnapstages,jobs,pods,deployments,services -o wide >&2 || true
    kubectl -n "$NS" describe pillsnapstage e2e >&2 || true
    kubectl -n pillsnap-system logs deploy/pillsnap-operator --tail=200 >&2 || true
  fi
  [ -n "${FORWARD_PID:-}" ] && kill "$FORWARD_PID" 2>/dev/null || true
  if [ "${KEEP_CLUSTER:-0}" != 1 ]; then kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true; fi
  exit $status
}
trap cleanup EXIT

step "building images"
docker build -q -f operator/Dockerfile -t pillsnap-operator:$TAG .
docker build -q -f inference-image/Dockerfile -t pillsnap-inference:$TAG .
docker build -q -f trainer-image/Dockerfile --build-arg ACCELERATOR=cpu -t pillsnap-trainer:$TAG-cpu .

step "creating Kind cluster $CLUSTER"
kind get clusters | grep -qx "$CLUSTER" || kind create cluster --name "$CLUSTER" --wait 120s
for image in pillsnap-operator:$TAG pillsnap-inference:$TAG pillsnap-trainer:$TAG-cpu; do
  kind load docker-image --name "$CLUSTER" "$image"
done

step "installing the chart"
helm upgrade --install pillsnap-operator helm/pillsnap-operator \
  --namespace pillsnap-system --create-namespace --wait --timeout 5m \
  --set image.repository=pillsnap-operator --set image.tag=$TAG --set image.pullPolicy=Never \
  --set trainer.image.repository=pillsnap-trainer --set trainer.image.tag=$TAG-cpu \
  --set inference.image.repository=pillsnap-inference --set inference.image.tag=$TAG

step "applying the stage"
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$NS" apply -f - <<'PVC'
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pillsnap-artifacts
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 2Gi
PVC
kubectl -n "$NS" apply -f e2e/stage-e2e.yaml

step "waiting for Promoted"
kubectl -n "$NS" wait pillsnapstage/e2e --for=jsonpath='{.status.phase}'=Promoted --timeout=30m
kubectl -n "$NS" get pillsnapstages -o wide

step "waiting for the model to serve"
kubectl -n "$NS" wait pillsnapstage/e2e --for=jsonpath='{.status.serving.state}'=Serving --timeout=10m
kubectl -n "$NS" get deployments,services

step "calling /v1/predict through Service pillsnap"
kubectl -n "$NS" port-forward service/pillsnap 18000:80 >/dev/null 2>&1 &
FORWARD_PID=$!
for _ in $(seq 1 30); do curl -fsS http://localhost:18000/readyz >/dev/null 2>&1 && break; sleep 1; done
PHOTOS=$(mktemp -d)
chmod 777 "$PHOTOS"
docker run --rm -v "$PHOTOS:/out" pillsnap-trainer:$TAG-cpu synth --output /out/data --classes 2 --images 2 >/dev/null
PHOTO=$(find "$PHOTOS" -name '*.png' | head -n 1)
RESPONSE=$(curl -fsS -F "image=@$PHOTO" http://localhost:18000/v1/predict)
echo "$RESPONSE" | head -c 600; echo
echo "$RESPONSE" | grep -q '"predictions"' || { echo "e2e: FAILED - no predictions in the answer" >&2; exit 1; }
echo "e2e: PASSED"
