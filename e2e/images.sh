#!/usr/bin/env bash
# The three images built with podman from an offline JRE base and run as a cluster runs them: the
# pods the operator makes (trainer Job, inference Deployment, result reader Job) and the chart's
# operator pod, turned into `podman run` arguments by the operator's own code. What each check
# asserts: e2e/README.md.
#
#   e2e/images.sh            # WORK=DIR keeps the work folder there (default: a new one in /tmp)
#
# Needs root, podman + runc, Java 17, Maven, curl and jq; mmdebstrap when the base image is missing
# (.ci/run installs them). Fails, never skips, where containers cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=${BASE_IMAGE:-localhost/pillsnap-base-jre:17}
OPERATOR_IMAGE=localhost/pillsnap-operator:e2e
INFERENCE_IMAGE=localhost/pillsnap-inference:e2e
TRAINER_IMAGE=localhost/pillsnap-trainer:e2e-cpu
STAGE=e2e/images-stage.yaml
KEEP_WORK=${WORK:+1}
WORK=${WORK:-$(mktemp -d /tmp/pillsnap-images.XXXXXX)}
mkdir -p "$WORK"
SUFFIX=$(basename "$WORK")
# measured on this project's machine: crun refuses its hybrid cgroups, and podman's default
# rlimits are refused there
PODMAN_RUN=(podman run --runtime runc --ulimit nofile=20000:20000 --ulimit nproc=1024:1024)
PODMAN_BUILD=(podman build --runtime runc --ulimit nofile=20000:20000 --ulimit nproc=1024:1024
  --build-arg JARS=prebuilt --build-arg "RUNTIME_IMAGE=$BASE_IMAGE")
CONTAINERS=()
PIDS=()
TIMES=()

fail() { echo "images: FAILED - $*" >&2; exit 1; }

# fail, showing the end of a container's output first
fail_container() {
  local container=$1; shift
  echo "--- last lines of $container:" >&2
  podman logs --tail 40 "$container" >&2 2>&1 || true
  fail "$*"
}

cleanup() {
  local status=$?
  for container in "${CONTAINERS[@]}"; do podman rm -f "$container" >/dev/null 2>&1 || true; done
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ $status -eq 0 ] || echo "images: work folder kept: $WORK" >&2
  exit $status
}
trap cleanup EXIT

# runs a check function, timing it
step() {
  local name=$1; shift
  local start=$SECONDS
  printf '\n=== %s\n' "$name"
  "$@"
  TIMES+=("$(printf '%5d s  %s' $((SECONDS - start)) "$name")")
}

images_check() { java -cp "$HELPERS_CLASSPATH" io.pillsnap.operator.images.ImagesCheck "$@"; }

# a free TCP port on 127.0.0.1
free_port() {
  local port
  for port in $(shuf -i 20000-40000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  fail "no free port found between 20000 and 40000"
}

# waits until URL answers 200, at most SECONDS
await_ok() {
  local url=$1 seconds=$2
  for _ in $(seq "$seconds"); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" = 200 ] && return
    sleep 1
  done
  return 1
}

container_ip() { podman inspect --format '{{.NetworkSettings.IPAddress}}' "$1"; }

# nothing in the container's root filesystem changed but the mount points of its volumes and
# of the files podman itself mounts
assert_nothing_written() {
  local container=$1 mounts changed
  mounts="$(podman inspect --format '{{range .Mounts}}{{.Destination}} {{end}}' "$container")"
  mounts+=" /etc/hosts /etc/hostname /etc/resolv.conf /run/.containerenv"
  mounts=${mounts//\/var\/run\//\/run\/}   # /var/run is a link to /run
  changed=$(podman diff "$container" | awk '{print $2}' | while read -r path; do
    for mount in $mounts; do
      [[ "$mount" == "$path" || "$mount" == "$path"/* ]] && continue 2
    done
    echo "$path"
  done)
  [ -z "$changed" ] || fail_container "$container" "$container wrote outside its volumes: $changed"
  echo "nothing written outside the pod's volumes"
}

preflight() {
  [ "$(id -u)" = 0 ] || fail "run as root: rootful podman puts containers on a bridge where the host reaches them by IP, as the operator reaches pods (CI runs as root)"
  local tool
  for tool in podman runc java mvn curl jq; do
    command -v "$tool" >/dev/null \
      || fail "$tool is not installed: apt-get install podman runc uidmap mmdebstrap curl jq (see e2e/README.md)"
  done
  podman info >/dev/null 2>"$WORK/podman-info.err" \
    || fail "podman cannot start here: $(head -n 3 "$WORK/podman-info.err")"
  echo "work folder $WORK; $(podman --version), $(runc --version | head -n 1)"
}

build_jars() {
  # the helpers run with the operator's test class path (written by dependency:build-classpath)
  mvn -B -q -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test \
    -pl operator,inference-image,trainer-image -am
  HELPERS_CLASSPATH="operator/target/test-classes:operator/target/classes:$(cat operator/target/test-classpath.txt)"
  ls operator/target/pillsnap-operator.jar inference-image/target/native/libopencv_java*.so \
    trainer-image/target/native/libopencv_java*.so >/dev/null
}

base_image() {
  # libturbojpeg0 and libdeflate0: the inference server's JPEG decoder and PNG inflate (an older
  # base without them is made again)
  if podman image exists "$BASE_IMAGE" \
      && "${PODMAN_RUN[@]}" --rm "$BASE_IMAGE" sh -c 'ls /usr/lib/*/libturbojpeg.so.0 /usr/lib/*/libdeflate.so.0' >/dev/null 2>&1; then
    echo "$BASE_IMAGE exists"
  else
    command -v mmdebstrap >/dev/null || fail "$BASE_IMAGE is missing and mmdebstrap is not installed: apt-get install mmdebstrap"
    # (no dpkg path-exclude for man pages: the JRE's update-alternatives links them)
    mmdebstrap --quiet --variant=minbase --include=openjdk-17-jre-headless,libturbojpeg0,libdeflate0 bookworm "$WORK/base.tar"
    # PATH and a UTF-8 locale, as the Temurin images set them
    podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' "$WORK/base.tar" "$BASE_IMAGE" >/dev/null
    rm -f "$WORK/base.tar"
  fi
  "${PODMAN_RUN[@]}" --rm "$BASE_IMAGE" java -version 2>"$WORK/java-version.txt" \
    || fail "podman cannot run a container here: $(tail -n 3 "$WORK/java-version.txt")"
  head -n 1 "$WORK/java-version.txt"
}

build_image() {
  local image=$1 context=$2; shift 2
  "${PODMAN_BUILD[@]}" --quiet --tag "$image" "$@" "$context" >/dev/null
  printf '%-40s %6d MB\n' "$image" "$(($(podman image inspect --format '{{.Size}}' "$image") / 1000000))"
}

build_images() {
  local before
  before=$(podman images --all --quiet --filter dangling=true | sort)
  build_image "$OPERATOR_IMAGE" operator/target -f operator/Dockerfile
  build_image "$INFERENCE_IMAGE" inference-image/target -f inference-image/Dockerfile
  build_image "$TRAINER_IMAGE" trainer-image/target -f trainer-image/Dockerfile --build-arg ACCELERATOR=cpu
  # what these builds left untagged (their stages, the images the tags named before), nothing
  # else: each run would keep about 3 GB otherwise
  comm -13 <(echo "$before") <(podman images --all --quiet --filter dangling=true | sort) \
    | xargs -r podman rmi --force >/dev/null
}

# the arguments of one pod for podman run, into the array POD
pod_arguments() {
  mapfile -t POD < <(images_check podman-run "$@" --stage "$STAGE" \
    --trainer-image "$TRAINER_IMAGE" --inference-image "$INFERENCE_IMAGE")
  [ "${#POD[@]}" -gt 0 ] || fail "images-check podman-run $1 gave no arguments"
}

# a host file standing in for the termination message file kubelet mounts
termination_log() { : >"$1"; chown 1000:1000 "$1"; }

trainer() {
  # the data claim, as a person would fill it: the synthetic set of the stage's size
  java -jar trainer-image/target/pillsnap-trainer.jar synth --output "$WORK/data" --classes 12 \
    --images 96 --width 64 --height 80 --family-size 1 --combination-fraction 0.5 \
    --test-fraction 0.25 >"$WORK/synth.log" 2>&1 || fail "synth failed: see $WORK/synth.log"
  mkdir -p "$WORK/artifacts"
  chown 1000:1000 "$WORK/artifacts"
  termination_log "$WORK/trainer-termination-log"
  pod_arguments trainer --volume data="$WORK/data" --volume artifacts="$WORK/artifacts" \
    --volume stage="$WORK/trainer-config" --termination-log "$WORK/trainer-termination-log"
  local container=pillsnap-trainer-$SUFFIX
  CONTAINERS+=("$container")
  "${PODMAN_RUN[@]}" --detach --name "$container" "${POD[@]}" >/dev/null

  # /progress as the operator reads it (its ProgressPoller, at the pod's IP), while it trains
  local ip progress=""
  ip=$(container_ip "$container")
  for _ in $(seq 300); do
    [ "$(podman inspect --format '{{.State.Running}}' "$container")" = true ] || break
    if progress=$(images_check poll-progress --stage "$STAGE" --pod-ip "$ip" 2>/dev/null); then break; fi
    sleep 1
  done
  [ -n "$progress" ] || fail_container "$container" "the trainer never answered /progress at $ip:8090"
  echo "while training, $progress"

  local code
  code=$(timeout 900 podman wait "$container") \
    || fail_container "$container" "the trainer did not finish within 15 minutes"
  [ "$code" = 0 ] || fail_container "$container" "the trainer exited with $code"
  podman logs "$container" >"$WORK/trainer.log" 2>&1
  grep -q 'libtorch intra-op threads: 1 ' "$WORK/trainer.log" \
    || fail_container "$container" "libtorch did not keep to the pod's CPU limit (1)"
  grep -E ' INFO .*(export check|intra-op threads)' "$WORK/trainer.log" | cut -c 14-220

  RUN_DIR=$(find "$WORK/artifacts" -name result.json -printf '%h\n' | head -n 1)
  [ -n "$RUN_DIR" ] || fail_container "$container" "no result.json under $WORK/artifacts"
  local file
  for file in manifest.json classifier.onnx detector.onnx; do
    [ -s "$RUN_DIR/$file" ] || fail "the run folder $RUN_DIR has no $file"
  done
  images_check decode-result "$WORK/trainer-termination-log" \
    || fail "the termination message is not a succeeded trainer result"
  cmp -s "$WORK/trainer-termination-log" "$RUN_DIR/result.json" \
    || fail "the termination message and $RUN_DIR/result.json differ"
  echo "result.json is the termination message"
  assert_nothing_written "$container"
  podman rm "$container" >/dev/null

  # the result reader Job runs the inference image on the same run folder
  termination_log "$WORK/reader-termination-log"
  pod_arguments result_reader --volume artifacts="$WORK/artifacts" \
    --termination-log "$WORK/reader-termination-log"
  "${PODMAN_RUN[@]}" --rm "${POD[@]}" || fail "the result reader exited with $?"
  cmp -s "$WORK/reader-termination-log" "$RUN_DIR/result.json" \
    || fail "the result reader's termination message is not $RUN_DIR/result.json"
  echo "the result reader (inference image) gives result.json as its termination message"
}

# jq filters comparing two answers of the same photo: the container's ($c) and the host's ($h)
SAME_SINGLE='$c.predictions[0].kCode == $h.predictions[0].kCode
  and (($c.predictions[0].probability - $h.predictions[0].probability) | fabs) < 1e-4'
SAME_COMBO='($h.pills | length) > 0 and ($c.pills | length) == ($h.pills | length)
  and ([range($h.pills | length) as $i | $c.pills[$i] as $a | $h.pills[$i] as $b
        | $a.predictions[0].kCode == $b.predictions[0].kCode
          and ([("x1", "y1", "x2", "y2") | (($a.box[.] - $b.box[.]) | fabs) <= 0.2] | all)]
       | all)'

predict() { curl -s -F "image=@$2" "$1"; }

inference() {
  [ -n "${RUN_DIR:-}" ] || fail "no trained run to serve (the trainer check makes it)"
  termination_log "$WORK/inference-termination-log"
  pod_arguments inference --volume models="$WORK/artifacts" \
    --termination-log "$WORK/inference-termination-log"
  local container=pillsnap-inference-$SUFFIX
  CONTAINERS+=("$container")
  "${PODMAN_RUN[@]}" --detach --name "$container" "${POD[@]}" >/dev/null
  local ip start=$SECONDS
  ip=$(container_ip "$container")
  local served="http://$ip:8000"
  await_ok "$served/readyz" 120 || fail_container "$container" "/readyz did not turn 200 within 120 s"
  echo "/readyz 200 after $((SECONDS - start)) s at $served"
  # (into a file first: grep -q would end the pipe early, and pipefail would fail the check)
  podman logs "$container" >"$WORK/inference-start.log" 2>&1
  grep -q "decoded by the system's libturbojpeg" "$WORK/inference-start.log" \
    || fail_container "$container" "the image's server does not decode JPEGs with libturbojpeg"
  echo "JPEG photos decoded by libturbojpeg in the image"
  grep -q "PNG photos are inflated by the system's libdeflate" "$WORK/inference-start.log" \
    || fail_container "$container" "the image's server does not inflate PNGs with libdeflate"
  echo "PNG photos inflated by libdeflate in the image"
  grep -q "warmed up: 200 requests" "$WORK/inference-start.log" \
    || fail_container "$container" "the image's server did not warm up before it said ready (see its log)"
  echo "the server warmed up before it said ready: $(grep -o 'warmed up: 200 requests in [0-9]* ms' "$WORK/inference-start.log")"

  # the same run served outside a container, for comparison
  java -Djava.library.path=inference-image/target/native -jar inference-image/target/pillsnap-inference.jar \
    --model-dir="$RUN_DIR" --port=0 >"$WORK/host-server.log" 2>&1 &
  PIDS+=($!)
  local port=""
  for _ in $(seq 60); do
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$WORK/host-server.log")
    [ -n "$port" ] && break
    sleep 1
  done
  local host="http://127.0.0.1:$port"
  [ -n "$port" ] && await_ok "$host/readyz" 60 || fail "the server outside a container did not start: see $WORK/host-server.log"

  # a held-out combination photo on which the detector finds pills
  local photo="" candidate
  for candidate in $(find "$WORK/data/val/images/combination" -name '*.png' | sort | head -n 20); do
    if [ "$(predict "$host/v1/predict?mode=combo" "$candidate" | jq '.pills | length')" -gt 0 ]; then
      photo=$candidate; break
    fi
  done
  [ -n "$photo" ] || fail "the detector found no pill on 20 held-out photos: nothing to compare"
  echo "photo $(basename "$photo")"

  local single single_host combo combo_host legacy
  single=$(predict "$served/v1/predict" "$photo")
  single_host=$(predict "$host/v1/predict" "$photo")
  jq -en --argjson c "$single" --argjson h "$single_host" "$SAME_SINGLE" >/dev/null \
    || fail "single: the container answered $single, the server outside one $single_host"
  echo "single: same top-1 in and outside the container: $(echo "$single" | jq -c '.predictions[0] | {kCode, probability}')"
  combo=$(predict "$served/v1/predict?mode=combo" "$photo")
  combo_host=$(predict "$host/v1/predict?mode=combo" "$photo")
  jq -en --argjson c "$combo" --argjson h "$combo_host" "$SAME_COMBO" >/dev/null \
    || fail "mode=combo: the container answered $combo, the server outside one $combo_host"
  echo "combo: same pills, top-1 and boxes in and outside the container: $(echo "$combo" | jq -c '[.pills[] | {kCode: .predictions[0].kCode, box}]')"

  legacy=$(predict "$served/predict?mode=single" "$photo")
  [ "$(echo "$legacy" | jq -r '.drug_metadata.k_code')" = "$(echo "$single" | jq -r '.predictions[0].kCode')" ] \
    || fail "legacy /predict answered $legacy"
  echo "legacy /predict: $(echo "$legacy" | jq -c '{class_id, k_code: .drug_metadata.k_code, confidence}')"

  printf 'not a photo' >"$WORK/bad-upload.jpg"
  local status
  status=$(curl -s -o "$WORK/bad-upload.json" -w '%{http_code}' -F "image=@$WORK/bad-upload.jpg" "$served/v1/predict")
  [[ "$status" == 4?? ]] || fail "a bad upload got HTTP $status: $(cat "$WORK/bad-upload.json")"
  echo "bad upload: HTTP $status $(jq -c . "$WORK/bad-upload.json")"

  echo "/tmp in the container holds $(podman exec "$container" du -sh /tmp | cut -f 1)"
  assert_nothing_written "$container"
  podman rm -f "$container" >/dev/null
}

operator_against_mock() {
  local sa="$WORK/service-account" port http_port container=pillsnap-operator-$SUFFIX
  images_check mock-api-server --stage "$STAGE" --out "$sa" --timeout 180 >"$WORK/mock-api-server.log" 2>&1 &
  local mock=$!
  PIDS+=($mock)
  for _ in $(seq 60); do [ -s "$sa/port" ] && break; sleep 1; done
  [ -s "$sa/port" ] || fail "the mock API server did not start: $(tail -n 5 "$WORK/mock-api-server.log")"
  port=$(cat "$sa/port")
  http_port=$(free_port)
  termination_log "$WORK/operator-termination-log"
  pod_arguments operator --set image.repository=localhost/pillsnap-operator --set image.tag=e2e \
    --set trainer.image.repository=localhost/pillsnap-trainer --set trainer.image.tag=e2e-cpu \
    --set inference.image.repository=localhost/pillsnap-inference --set inference.image.tag=e2e \
    --set httpPort="$http_port" --api-server "localhost:$port" --service-account "$sa" \
    --termination-log "$WORK/operator-termination-log"
  CONTAINERS+=("$container")
  # the host's network, to reach the mock on localhost (its certificate's name); the mock has no
  # server-side apply, so the operator patches as in its tests
  "${PODMAN_RUN[@]}" --detach --name "$container" --network host \
    --env PILLSNAP_SERVER_SIDE_APPLY=false "${POD[@]}" >/dev/null
  await_ok "http://127.0.0.1:$http_port/readyz" 120 \
    || fail_container "$container" "the operator's /readyz did not turn 200 within 120 s"
  echo "operator /readyz 200 (in-cluster configuration: ServiceAccount token and CA, https://localhost:$port)"
  wait "$mock" || fail_container "$container" "no trainer Job: $(tail -n 5 "$WORK/mock-api-server.log")"
  grep -E 'Job|ConfigMap' "$WORK/mock-api-server.log"
  assert_nothing_written "$container"
  podman rm -f "$container" >/dev/null
}

operator_without_cluster() {
  local container=pillsnap-operator-alone-$SUFFIX start=$SECONDS code=0
  termination_log "$WORK/alone-termination-log"
  pod_arguments operator --set image.repository=localhost/pillsnap-operator --set image.tag=e2e \
    --termination-log "$WORK/alone-termination-log"
  CONTAINERS+=("$container")
  timeout 180 "${PODMAN_RUN[@]}" --name "$container" "${POD[@]}" >"$WORK/operator-alone.log" 2>&1 || code=$?
  [ "$code" != 0 ] && [ "$code" != 124 ] || fail_container "$container" "the operator without a cluster exited with $code"
  local message
  message=$(cat "$WORK/alone-termination-log")
  [ "$(wc -l <"$WORK/alone-termination-log")" = 1 ] && [[ "$message" == *"cannot reach the Kubernetes API server"* ]] \
    || fail_container "$container" "its termination message is not the one-line cause: '$message'"
  echo "exit $code after $((SECONDS - start)) s; termination message: $message"
}

summary() {
  printf '\n=== image sizes\n'
  local image
  for image in "$OPERATOR_IMAGE" "$INFERENCE_IMAGE" "$TRAINER_IMAGE"; do
    printf '%-40s %6d MB\n' "$image" "$(($(podman image inspect --format '{{.Size}}' "$image") / 1000000))"
  done
  printf '\n=== step times\n'
  printf '%s\n' "${TIMES[@]}"
  printf '%5d s  total\n' "$SECONDS"
}

step "preflight" preflight
step "jars (mvn package)" build_jars
step "base image $BASE_IMAGE" base_image
step "images" build_images
step "trainer (CPU): the operator's Job" trainer
step "inference: the operator's Deployment" inference
step "operator: the chart's pod against a mock API server" operator_against_mock
step "operator: the chart's pod without a cluster" operator_without_cluster
summary
[ -n "$KEEP_WORK" ] || rm -rf "$WORK"
echo "images: PASSED"
