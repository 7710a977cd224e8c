"""Metadata round trips with kafka-python (Debian's python3-kafka) on one connection.

Run by the side-by-side harness (`dotnet run -c Release --project benchmarks/RxKafka.Benchmarks -- sidebyside`)
with Debian's own interpreter, /usr/bin/python3. Prints one JSON line:
{"client": ..., "metadata_version": v, "one_at_a_time_us": x, "pipelined_us": y}.
"""
import json
import sys
import time

from kafka.client_async import KafkaClient
from kafka.protocol.metadata import MetadataRequest


def main():
    bootstrap, sequential, pipelined, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    client = KafkaClient(bootstrap_servers=bootstrap, max_in_flight_requests_per_connection=batch + 1,
                         request_timeout_ms=60000, metadata_max_age_ms=3600000,
                         client_id="kafka-python-bench")
    node = client.least_loaded_node()
    deadline = time.monotonic() + 20
    while not client.ready(node):
        client.poll(timeout_ms=50)
        if time.monotonic() > deadline:
            raise SystemExit(f"kafka-python could not connect to {bootstrap}")

    version = len(MetadataRequest) - 1  # v5, the newest this kafka-python knows
    request = MetadataRequest[version]  # fields: topics, allow_auto_topic_creation

    def one():
        future = client.send(node, request([], True), wakeup=False)
        client.poll(future=future)
        if future.failed():
            raise future.exception

    def batch_of(n):
        futures = [client.send(node, request([], True), wakeup=False) for _ in range(n)]
        for f in futures:
            client.poll(future=f)
            if f.failed():
                raise f.exception

    for _ in range(500):
        one()
    start = time.perf_counter()
    for _ in range(sequential):
        one()
    one_at_a_time = (time.perf_counter() - start) * 1e6 / sequential

    batch_of(batch)
    start = time.perf_counter()
    for _ in range(pipelined // batch):
        batch_of(batch)
    piped = (time.perf_counter() - start) * 1e6 / (pipelined // batch * batch)
    client.close()
    print(json.dumps({"client": "kafka-python " + __import__("kafka").__version__, "metadata_version": version,
                      "one_at_a_time_us": one_at_a_time, "pipelined_us": piped}))


if __name__ == "__main__":
    main()
