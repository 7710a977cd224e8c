#!/usr/bin/env bash
# The main job: RxKafka's client watching a live Kafka cluster change. Starts a 3-broker cluster
# (librdkafka's mock cluster, in-process), connects a KafkaClient, prints the cluster, then plays a
# script (leaders move, a broker goes down and comes back, a topic is created, a group coordinator is
# found and moves) while printing every change the client sees, and ends with a summary (about 20 s).
# Arguments go to `rxkafka demo`, e.g. `bash scripts/demo.sh --duration 1m` or `--brokers 5`.
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing to set up: the embedded cluster's librdkafka 2.15.1 comes from the librdkafka.redist package.
# Quiet unless it fails: the demo's output follows.
log="$(mktemp)"
dotnet build src/RxKafka.Cli -c Release -nologo -v quiet >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
rm -f "$log"
exec dotnet src/RxKafka.Cli/bin/Release/net10.0/RxKafka.Cli.dll demo "$@"
