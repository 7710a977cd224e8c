#!/usr/bin/python3
"""kafka-python (Debian's python3-kafka 2.0.2, run by /usr/bin/python3) as a peer of RxKafka's producer.

  kafka_python_peer.py consume BOOTSTRAP TOPIC
      reads every partition of TOPIC from the beginning to its end offset (taken when it starts) and
      prints one JSON object per record, sorted by partition and offset.
  kafka_python_peer.py produce BOOTSTRAP TOPIC CODEC FILE [API_VERSION]
      produces the records in FILE (a JSON list) with compression CODEC (none, gzip, snappy, lz4, zstd)
      in one batch per partition, and prints one JSON object per record with where it was written.
      API_VERSION (e.g. 0.10.0 or 0.9) pins the broker version kafka-python assumes, and with it the
      message format it writes: 0.10.x gives magic 1 message sets, 0.9 magic 0 (no timestamps); no
      headers then.

  kafka_python_peer.py offsets_for_times BOOTSTRAP TOPIC PARTITION TIMESTAMP...
      prints, for each TIMESTAMP, {"timestamp": asked, "offset": int|null, "record_timestamp": int|null}:
      KafkaConsumer.offsets_for_times (ListOffsets v1+) on that partition.

  kafka_python_peer.py group BOOTSTRAP TOPIC GROUP COUNT
      subscribes to TOPIC as a member of GROUP, reads COUNT records from the committed offsets (or the
      beginning), committing after each poll, then leaves the group and prints
      {"assignment": [partition, ...], "records": int}.

A record in JSON: {"partition": int, "offset": int, "key": hex|null, "value": hex|null,
"headers": [[name, hex|null], ...], "timestamp": ms}. Exit status 2 means kafka-python or a codec
module is missing.
"""
import json
import sys
import time

try:
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
except ImportError as e:  # the C# side turns this into a clear failure
    print("kafka-python is not importable: %s (install python3-kafka for /usr/bin/python3)" % e, file=sys.stderr)
    sys.exit(2)

DEADLINE_S = 60


def hexed(b):
    return None if b is None else b.hex()


def unhexed(s):
    return None if s is None else bytes.fromhex(s)


def consume(bootstrap, topic):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", client_id="kafka-python-peer",
                             request_timeout_ms=30000, max_partition_fetch_bytes=4 * 1024 * 1024)
    deadline = time.monotonic() + DEADLINE_S
    partitions = consumer.partitions_for_topic(topic)
    while not partitions:
        if time.monotonic() > deadline:
            raise SystemExit("kafka-python: no metadata for topic %s" % topic)
        partitions = consumer.partitions_for_topic(topic)
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    ends = consumer.end_offsets(tps)
    out = []
    while any(consumer.position(tp) < ends[tp] for tp in tps):
        if time.monotonic() > deadline:
            missing = {tp.partition: (consumer.position(tp), ends[tp]) for tp in tps}
            raise SystemExit("kafka-python: not at the end offsets within %d s: %s" % (DEADLINE_S, missing))
        for tp, messages in consumer.poll(timeout_ms=200).items():
            for m in messages:
                out.append({"partition": m.partition, "offset": m.offset, "key": hexed(m.key), "value": hexed(m.value),
                            "headers": [[k, hexed(v)] for k, v in m.headers], "timestamp": m.timestamp})
    consumer.close()
    out.sort(key=lambda r: (r["partition"], r["offset"]))
    for r in out:
        print(json.dumps(r))


def produce(bootstrap, topic, codec, path, api_version=None):
    with open(path) as f:
        records = json.load(f)
    pinned = {} if api_version is None else {"api_version": tuple(int(p) for p in api_version.split("."))}
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", client_id="kafka-python-peer",
                             compression_type=None if codec == "none" else codec,
                             linger_ms=60000, batch_size=1024 * 1024, **pinned)
    futures = []
    for r in records:
        headers = [(k, unhexed(v)) for k, v in r["headers"]]
        futures.append(producer.send(topic, key=unhexed(r["key"]), value=unhexed(r["value"]),
                                     headers=headers or None,
                                     partition=r["partition"], timestamp_ms=r["timestamp"]))
    producer.flush(timeout=DEADLINE_S)
    for f in futures:
        m = f.get(timeout=DEADLINE_S)
        print(json.dumps({"partition": m.partition, "offset": m.offset}))
    producer.close()


def offsets_for_times(bootstrap, topic, partition, timestamps):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             client_id="kafka-python-peer", request_timeout_ms=30000)
    tp = TopicPartition(topic, partition)
    for ts in timestamps:
        found = consumer.offsets_for_times({tp: ts})[tp]
        print(json.dumps({"timestamp": ts, "offset": None if found is None else found.offset,
                          "record_timestamp": None if found is None else found.timestamp}))
    consumer.close()


def group(bootstrap, topic, group_id, count):
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False,
                             auto_offset_reset="earliest", client_id="kafka-python-group",
                             session_timeout_ms=10000, heartbeat_interval_ms=1000, request_timeout_ms=30000)
    deadline = time.monotonic() + DEADLINE_S
    read = 0
    while read < count:
        if time.monotonic() > deadline:
            raise SystemExit("kafka-python: read %d of %d records of %s in group %s within %d s" % (read, count, topic, group_id, DEADLINE_S))
        for tp, messages in consumer.poll(timeout_ms=200).items():
            read += len(messages)
        consumer.commit()
    assignment = sorted(tp.partition for tp in consumer.assignment())
    consumer.close()
    print(json.dumps({"assignment": assignment, "records": read}))


def main():
    command = sys.argv[1]
    if command == "consume":
        consume(sys.argv[2], sys.argv[3])
    elif command == "produce":
        produce(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] if len(sys.argv) > 6 else None)
    elif command == "offsets_for_times":
        offsets_for_times(sys.argv[2], sys.argv[3], int(sys.argv[4]), [int(t) for t in sys.argv[5:]])
    elif command == "group":
        group(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        raise SystemExit("unknown command %s" % command)


if __name__ == "__main__":
    main()
