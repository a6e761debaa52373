#!/usr/bin/env bash
# Run build/mwaa (make bundle) in aws/amazon-mwaa-docker-images, the images MWAA itself runs.
#
#   tools/mwaa-docker-runner.sh start                 # the full stack; UI on http://localhost:8080
#   tools/mwaa-docker-runner.sh test-requirements     # install requirements/requirements.txt in the image, then exit
#   tools/mwaa-docker-runner.sh test-startup-script   # run startup/startup.sh in the image, then exit
#
# Needs a Docker engine (or finch/podman, as run.sh picks) and git. The clone is pinned to a commit so
# a runner change upstream does not change our results silently; bump MWAA_IMAGES_REF on purpose.
# The image's compose file mounts ./dags, ./plugins, ./requirements and ./startup of
# images/airflow/<version>/ under /usr/local/airflow/; this script copies the bundle into those folders
# of the clone (never into this repository).
set -euo pipefail

COMMAND=${1:-start}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MWAA_VERSION=${MWAA_VERSION:-3.3.1}
MWAA_IMAGES_REPO=${MWAA_IMAGES_REPO:-https://github.com/aws/amazon-mwaa-docker-images.git}
MWAA_IMAGES_REF=${MWAA_IMAGES_REF:-9d2bebb5c7858e27a1c6afb20b7827840217e3a0}
MWAA_IMAGES_DIR=${MWAA_IMAGES_DIR:-$ROOT/.dagforge/amazon-mwaa-docker-images}
BUNDLE=${BUNDLE:-$ROOT/build/mwaa}

case "$COMMAND" in
  start|test-requirements|test-startup-script) ;;
  *) echo "usage: $0 start|test-requirements|test-startup-script" >&2; exit 2 ;;
esac
test -f "$BUNDLE/manifest.json" || { echo "no bundle at $BUNDLE: run 'make bundle' first" >&2; exit 2; }

# 1. Clone (once) and pin.
if [ ! -d "$MWAA_IMAGES_DIR/.git" ]; then
  git clone --quiet "$MWAA_IMAGES_REPO" "$MWAA_IMAGES_DIR"
fi
git -C "$MWAA_IMAGES_DIR" fetch --quiet origin "$MWAA_IMAGES_REF" 2>/dev/null || true
git -C "$MWAA_IMAGES_DIR" checkout --quiet "$MWAA_IMAGES_REF"
IMAGE_DIR="$MWAA_IMAGES_DIR/images/airflow/$MWAA_VERSION"
test -x "$IMAGE_DIR/run.sh" || { echo "no images/airflow/$MWAA_VERSION in $MWAA_IMAGES_DIR" >&2; exit 2; }

# 2. The bundle into the folders the compose file mounts (replacing the image's sample DAGs).
for folder in dags plugins requirements startup; do
  rm -rf "${IMAGE_DIR:?}/$folder"
  mkdir -p "$IMAGE_DIR/$folder"
  if [ -d "$BUNDLE/$folder" ]; then
    cp -R "$BUNDLE/$folder/." "$IMAGE_DIR/$folder/"
  fi
done
echo "bundle $BUNDLE -> $IMAGE_DIR/{dags,plugins,requirements,startup}"

# 3. Run. run.sh builds the images on first use (10-20 minutes), then starts Postgres, a local SQS,
#    the scheduler, workers, dag-processor, triggerer and the web server (http://localhost:8080).
#    Neither image ships an S3 emulator: give the containers real credentials for a test bucket, or a
#    reachable S3 endpoint, and set the Airflow Variable dagforge_data_bucket in the UI.
cd "$IMAGE_DIR"
if [ "$COMMAND" = start ]; then
  exec ./run.sh
fi
exec ./run.sh "$COMMAND"
