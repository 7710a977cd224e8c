#!/usr/bin/python3
"""kafka-python's consumer in the side-by-side consumer benchmark (docs/benchmarks.md, "The side-by-side
consumer benchmark"): assigns every partition of --topic (no group), reads --records records from the
beginning with poll(), once to warm up and once measured, and prints one JSON line with the fields of the
other peers (benchmarks/Peers/Shared/PeerRun.cs); allocation has no counterpart here, so it is null.

  /usr/bin/python3 consume.py --bootstrap HOST:PORT,... --topic T --records N [--set key=value]...

--set takes the Kafka config names the other peers take (fetch.max.bytes, max.partition.fetch.bytes,
fetch.wait.max.ms) and hands them to KafkaConsumer under kafka-python's own names. kafka-python is
Debian's python3-kafka (scripts/setup.sh), which belongs to /usr/bin/python3, not to the python3 first
on PATH. Exit status 2: bad arguments or kafka-python missing.
"""
import json
import resource
import sys
import time

try:
    import kafka
    from kafka import KafkaConsumer, TopicPartition
except ImportError as e:
    print("kafka-python is not importable: %s (run scripts/setup.sh; use /usr/bin/python3)" % e, file=sys.stderr)
    sys.exit(2)

# Kafka's config names (what every peer is given) -> kafka-python's keyword arguments, with the type each takes.
SETTINGS = {
    "fetch.max.bytes": "fetch_max_bytes",
    "max.partition.fetch.bytes": "max_partition_fetch_bytes",
    "fetch.wait.max.ms": "fetch_max_wait_ms",
    "fetch.min.bytes": "fetch_min_bytes",
    "max.poll.records": "max_poll_records",
    "receive.buffer.bytes": "receive_buffer_bytes",
}
# A pass that sees no record for this long is stuck (the mock lost data, or the topic is short).
IDLE_LIMIT_S = 10


def parse(argv):
    options = {"bootstrap": "", "topic": "", "records": 0, "settings": {}}
    i = 1
    while i < len(argv):
        name = argv[i]
        if i + 1 >= len(argv):
            raise ValueError("%s needs a value" % name)
        value = argv[i + 1]
        i += 2
        if name == "--bootstrap":
            options["bootstrap"] = value
        elif name == "--topic":
            options["topic"] = value
        elif name == "--records":
            options["records"] = int(value)
        elif name == "--set":
            key, eq, setting = value.partition("=")
            if not eq or not key:
                raise ValueError("--set needs key=value, got '%s'" % value)
            if key not in SETTINGS:
                raise ValueError("--set %s: not a setting this peer knows (%s)" % (key, ", ".join(SETTINGS)))
            options["settings"][SETTINGS[key]] = int(setting)
        else:
            raise ValueError("unknown argument '%s'" % name)
    if not options["bootstrap"] or not options["topic"] or options["records"] < 1:
        raise ValueError("--bootstrap and --topic are required, --records must be at least 1")
    return options


def machine_busy_seconds():
    """CPU time every process on the machine spent (/proc/stat's cpu line: user, nice, system, irq, softirq), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / 100.0
    except (OSError, ValueError, IndexError):
        return None


def read_pass(consumer, partitions, count):
    """Reads count records from the beginning of every partition; returns the value bytes read."""
    # Seeking every partition to the beginning is the other peers' new assignment: a new position, and
    # kafka-python drops what it fetched for the old one.
    consumer.seek_to_beginning(*partitions)
    records, read = 0, 0
    last_progress = time.monotonic()
    while records < count:
        batches = consumer.poll(timeout_ms=1000)
        if not batches:
            if time.monotonic() - last_progress > IDLE_LIMIT_S:
                raise SystemExit("kafka-python peer: no record for %d s after %d records" % (IDLE_LIMIT_S, records))
            continue
        last_progress = time.monotonic()
        for messages in batches.values():
            for m in messages:
                read += len(m.value) if m.value is not None else 0
            records += len(messages)
    return read


def main():
    try:
        options = parse(sys.argv)
    except ValueError as e:
        print("kafka-python peer: %s" % e, file=sys.stderr)
        sys.exit(2)

    consumer = KafkaConsumer(bootstrap_servers=options["bootstrap"].split(","), group_id=None,
                             enable_auto_commit=False, client_id="kafka-python-bench", **options["settings"])
    deadline = time.monotonic() + 30
    ids = consumer.partitions_for_topic(options["topic"])
    while not ids:
        if time.monotonic() > deadline:
            raise SystemExit("kafka-python peer: no metadata for topic %s within 30 s" % options["topic"])
        time.sleep(0.1)
        ids = consumer.partitions_for_topic(options["topic"])
    partitions = [TopicPartition(options["topic"], p) for p in sorted(ids)]
    consumer.assign(partitions)

    # Warm-up: connections, metadata, API versions, the interpreter's caches.
    read_pass(consumer, partitions, options["records"])

    machine_before = machine_busy_seconds()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    read = read_pass(consumer, partitions, options["records"])
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    machine_after = machine_busy_seconds()
    consumer.close()

    user = usage.ru_utime - usage_before.ru_utime
    system = usage.ru_stime - usage_before.ru_stime
    line = {
        "client": "kafka-python",
        "version": "kafka-python %s, python %s" % (kafka.__version__, sys.version.split()[0]),
        "records": options["records"],
        "value_bytes": round(read / options["records"]),
        "compression": "none",
        "warmup": options["records"],
        "elapsed_s": elapsed,
        "cpu_user_s": user,
        "cpu_sys_s": system,
        "cpu_s": user + system,
        "records_per_s": options["records"] / elapsed,
        "cpu_us_per_record": (user + system) * 1e6 / options["records"],
        "alloc_bytes_per_record": None,
    }
    if machine_before is not None and machine_after is not None:
        line["machine_busy_s"] = machine_after - machine_before
    line["value_bytes_read"] = read
    line["partitions"] = len(partitions)
    print(json.dumps(line))


if __name__ == "__main__":
    main()
