#!/usr/bin/env bash
# The side-by-side transactional producer benchmark (docs/benchmarks.md, "The transactional producer side by side"):
# RxKafka and Confluent.Kafka 2.15.1 against librdkafka 2.15.1's mock cluster in a process of its own
# (RxKafka.BrokerHost, 3 brokers; the one broker both clients run transactions against out of process: the
# in-memory cluster would run inside a client's process and share its CPU), one topic of one partition, so a
# transaction of N x 1,000 records is N produce batches (batch.size 110,000 bytes holds about 1,000 records
# of 100 bytes; the commit flushes the last one). Modes, each client alternately: idempotent (acks=all, no
# transactions: the baseline), then transactions of 1, 10 and 100 batches (1,000, 10,000, 100,000 records).
#
#   bash benchmarks/txn-sidebyside.sh [RUNS] [RECORDS]   (default 1 run of 200,000 records per mode and client;
#                                                        JSON lines on standard output, the table on standard error)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-1}
RECORDS=${2:-200000}
WARMUP=100000
TOPIC=txn-bench
COMMON=(--topic "$TOPIC" --records "$RECORDS" --warmup "$WARMUP" --value-bytes 100 --acks all --linger-ms 5 --batch-size 110000 --set enable.idempotence=true)

dotnet build benchmarks/RxKafka.BrokerHost -c Release -nologo -v quiet >&2
dotnet build benchmarks/Peers/RxKafkaProducer -c Release -nologo -v quiet >&2
dotnet build benchmarks/Peers/ConfluentProducer -c Release -nologo -v quiet >&2

coproc BROKER { exec dotnet benchmarks/RxKafka.BrokerHost/bin/Release/net10.0/RxKafka.BrokerHost.dll --brokers 3 --partitions 1 --topic "$TOPIC"; }
trap 'exec {BROKER[1]}>&-; wait' EXIT
read -r word BOOTSTRAP <&"${BROKER[0]}"
[[ "$word" == BOOTSTRAP ]] || { echo "broker host said: $word $BOOTSTRAP" >&2; exit 1; }
echo "broker host at $BOOTSTRAP" >&2

OUT=$(mktemp)
peer() { # MODE CLIENT-DLL ARGS...: one run, its JSON line tagged with the mode
  local mode=$1; shift
  local line status=0
  line=$(timeout 600 dotnet "$@") || status=$?
  if [ "$status" -ne 0 ]; then echo "$mode $1 exited with $status" >&2; return; fi
  echo "$line" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["mode"]=sys.argv[1]; print(json.dumps(d))' "$mode" | tee -a "$OUT"
}

CONFLUENT=benchmarks/Peers/ConfluentProducer/bin/Release/net10.0/ConfluentProducer.dll
RXKAFKA=benchmarks/Peers/RxKafkaProducer/bin/Release/net10.0/RxKafkaProducer.dll
for ((run = 1; run <= RUNS; run++)); do
  for mode in idempotent 1 10 100; do
    for client in confluent rxkafka; do
      dll=$CONFLUENT; [ "$client" = rxkafka ] && dll=$RXKAFKA
      extra=()
      if [ "$mode" != idempotent ]; then
        extra=(--set "transactional.id=$client-$mode-$run" --set "bench.transaction.records=$((mode * 1000))")
      fi
      peer "$mode" "$dll" --bootstrap "$BOOTSTRAP" "${COMMON[@]}" "${extra[@]}"
    done
  done
done

# The table: medians per client and mode, RxKafka against Confluent.Kafka, and each client against its own
# idempotent baseline (the transactions' overhead).
python3 - "$OUT" >&2 <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
med = {}
for r in rows:
    med.setdefault((r["client"], r["mode"]), []).append(r)
def m(client, mode, key):
    runs = med.get((client, mode), [])
    return statistics.median(r[key] for r in runs) if runs else float("nan")
print("| batches per transaction | client | records/s | CPU us/rec | transactions | rate vs conf. | CPU vs conf. | rate vs own idempotent |")
print("|---|---|---|---|---|---|---|---|")
for mode in ["idempotent", "1", "10", "100"]:
    for client in ["confluent", "rxkafka"]:
        rate, cpu = m(client, mode, "records_per_s"), m(client, mode, "cpu_us_per_record")
        txns = m(client, mode, "transactions")
        print(f"| {mode} | {client} | {rate:,.0f} | {cpu:.2f} | {txns:,.0f} | {rate / m('confluent', mode, 'records_per_s'):.2f}x | "
              f"{cpu / m('confluent', mode, 'cpu_us_per_record'):.2f}x | {rate / m(client, 'idempotent', 'records_per_s'):.2f}x |")
PY
