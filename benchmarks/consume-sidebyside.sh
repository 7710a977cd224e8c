#!/usr/bin/env bash
# The side-by-side consumer benchmark (docs/benchmarks.md, "The side-by-side consumer benchmark"): one mock
# cluster in a process of its own (RxKafka.BrokerHost, librdkafka 2.15.1, 3 brokers), one topic of 64
# partitions filled per partition with 31,250 records of 100 bytes (rxkafka bench consume fills it, and
# measures RxKafka in-process on the way), then each client reads all 2,000,000 records from the beginning,
# warm-up passes and then measured passes (the .NET peers: at least 2 and until the JIT is quiet, then PASSES;
# kafka-python and kafkajs one of each), in a process of its own: RxKafka (records, batches, observable and raw faces),
# Confluent.Kafka at its defaults and with fetch.queue.backoff.ms=10, kafka-python (Debian's python3-kafka,
# run by /usr/bin/python3, which owns it: scripts/setup.sh), kafkajs (in a group of its own: it has no
# assign; installed by scripts/bench-setup.sh outside the repository) and kcat (one pass, timed whole).
#
#   bash benchmarks/consume-sidebyside.sh [RUNS] [PASSES]
#   (RUNS rounds, default 1; PASSES measured passes of the .NET peers, default 5; JSON lines on standard output)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-1}
# One pass of 2,000,000 records is 0.3-0.5 s for the fastest clients: fixed costs and the machine's other work
# swamp it. Five passes in one measured interval spread them thin, and the warm-up goes on until a pass compiles
# fewer than 50 methods (benchmarks/Peers/Shared/PeerRun.cs, WarmUp), which leaves the JIT's background
# recompilation (hundreds of methods a pass for the first five to eight passes) out of the interval.
PASSES=${2:-5}
WARMUP_PASSES=2
RECORDS=2000000
PARTITIONS=64
TOPIC=consume-bench
KAFKAJS_MODULES="${RXKAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rxkafka}/peers/kafkajs/node_modules"
FETCH=(--set fetch.max.bytes=52428800 --set max.partition.fetch.bytes=1048576 --set fetch.wait.max.ms=100)

dotnet build benchmarks/RxKafka.BrokerHost -c Release -nologo -v quiet >&2
dotnet build benchmarks/Peers/RxKafkaConsumer -c Release -nologo -v quiet >&2
dotnet build benchmarks/Peers/ConfluentConsumer -c Release -nologo -v quiet >&2
dotnet build src/RxKafka.Cli -c Release -nologo -v quiet >&2

coproc BROKER { exec dotnet benchmarks/RxKafka.BrokerHost/bin/Release/net10.0/RxKafka.BrokerHost.dll --brokers 3 --partitions "$PARTITIONS" --topic "$TOPIC"; }
trap 'exec {BROKER[1]}>&-; wait' EXIT
read -r word BOOTSTRAP <&"${BROKER[0]}"
[[ "$word" == BOOTSTRAP ]] || { echo "broker host said: $word $BOOTSTRAP" >&2; exit 1; }
echo "broker host at $BOOTSTRAP" >&2

# Fill (per partition) and RxKafka's own in-process figure, the CLI's.
dotnet src/RxKafka.Cli/bin/Release/net10.0/RxKafka.Cli.dll bench consume -b "$BOOTSTRAP" -t "$TOPIC" --records "$RECORDS" --partitions "$PARTITIONS" \
  -X fetch.max.bytes=52428800 -X max.partition.fetch.bytes=1048576 -X fetch.wait.max.ms=100 >&2

# A client that hangs or fails is reported on standard error and the round goes on with the next one.
peer() {
  local status=0
  timeout 300 "$@" || status=$?
  if [ "$status" -ne 0 ]; then echo "$1 ${*: -2} exited with $status (124: still running after 300 s)" >&2; fi
}

for ((run = 1; run <= RUNS; run++)); do
  peer dotnet benchmarks/Peers/ConfluentConsumer/bin/Release/net10.0/ConfluentConsumer.dll --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --records "$RECORDS" --warmup-passes "$WARMUP_PASSES" --passes "$PASSES" "${FETCH[@]}"
  peer dotnet benchmarks/Peers/ConfluentConsumer/bin/Release/net10.0/ConfluentConsumer.dll --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --records "$RECORDS" --warmup-passes "$WARMUP_PASSES" --passes "$PASSES" "${FETCH[@]}" --set fetch.queue.backoff.ms=10
  for face in records batches observable raw; do
    peer dotnet benchmarks/Peers/RxKafkaConsumer/bin/Release/net10.0/RxKafkaConsumer.dll --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --records "$RECORDS" --warmup-passes "$WARMUP_PASSES" --passes "$PASSES" "${FETCH[@]}" --set "face=$face"
  done
  if /usr/bin/python3 -c 'import kafka' 2>/dev/null; then
    peer /usr/bin/python3 benchmarks/Peers/kafka-python/consume.py --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --records "$RECORDS" "${FETCH[@]}"
  else
    echo "kafka-python is not importable by /usr/bin/python3 (run scripts/setup.sh): skipped" >&2
  fi
  if [ -d "$KAFKAJS_MODULES/kafkajs" ]; then
    peer env NODE_PATH="$KAFKAJS_MODULES" node benchmarks/Peers/kafkajs/consume.js --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --records "$RECORDS" "${FETCH[@]}"
  else
    echo "kafkajs is not installed in $KAFKAJS_MODULES (run scripts/bench-setup.sh): skipped" >&2
  fi
  if command -v kcat >/dev/null; then
    # One pass, the process timed whole (start-up included): kcat has no warm-up to do but connecting.
    /usr/bin/time -f '{"client":"kcat","records":'"$RECORDS"',"elapsed_s":%e,"cpu_user_s":%U,"cpu_sys_s":%S}' \
      kcat -C -b "$BOOTSTRAP" -t "$TOPIC" -o beginning -c "$RECORDS" -q -f '' \
      -X fetch.max.bytes=52428800 -X max.partition.fetch.bytes=1048576 -X fetch.wait.max.ms=100 2>&1 >/dev/null | tail -1
  fi
done
