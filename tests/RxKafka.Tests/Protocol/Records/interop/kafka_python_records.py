#!/usr/bin/python3
"""Record-batch interop with kafka-python (Debian's python3-kafka 2.0.2, run by /usr/bin/python3).

  kafka_python_records.py build DIR   builds magic 0, 1 and 2 batches with every codec kafka-python
                                      supports for that magic (zstd: magic 2 only) from the records
                                      below, writes DIR/m<magic>_<codec>.bin, and prints a JSON manifest
                                      with the input records and kafka-python's own reading of each file.
  kafka_python_records.py read FILE   reads the batches in FILE (ours) and prints them as JSON.

Bytes are hex in JSON; null stays null. Exit status 2 means kafka-python or a codec is missing.
"""
import json
import os
import sys

try:
    from kafka.record.default_records import DefaultRecordBatchBuilder, DefaultRecordBatch
    from kafka.record.legacy_records import LegacyRecordBatchBuilder, LegacyRecordBatch
    from kafka.record.memory_records import MemoryRecords
    import kafka.codec as codec
except ImportError as e:  # the C# test turns this into a clear failure
    print("kafka-python is not importable: %s (install python3-kafka for /usr/bin/python3)" % e, file=sys.stderr)
    sys.exit(2)

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
AVAILABLE = {
    "none": True,
    "gzip": codec.has_gzip(),
    "snappy": codec.has_snappy(),
    "lz4": codec.has_lz4(),
    "zstd": codec.has_zstd(),
}

# Values repeat so that every codec really shrinks the records (kafka-python sends a v2 batch
# uncompressed when compression does not help).
RECORDS = [
    (1700000000000, b"key-0", b"value-0 " * 20, [("trace-id", b"abc123"), ("empty", b"")]),
    (1700000000007, None, b"no key here " * 10, [("null-value", None)]),
    (1699999999000, b"tombstone", None, []),
    (1700000000001, b"", b"", [("\u00fc-\u043a\u043b\u044e\u0447", b"\xff\x00\x7f")]),
    (1700000000002, b"big", bytes(range(256)) * 16, []),
]

PRODUCER_ID, PRODUCER_EPOCH, BASE_SEQUENCE = 1234567, 5, 17


def hexor(b):
    return None if b is None else bytes(b).hex()


def build(magic, codec_name):
    codec_id = CODECS[codec_name]
    if magic >= 2:
        builder = DefaultRecordBatchBuilder(
            magic=2, compression_type=codec_id, is_transactional=False,
            producer_id=PRODUCER_ID, producer_epoch=PRODUCER_EPOCH,
            base_sequence=BASE_SEQUENCE, batch_size=1 << 20)
        for offset, (ts, key, value, headers) in enumerate(RECORDS):
            builder.append(offset, timestamp=ts, key=key, value=value, headers=headers)
    else:
        builder = LegacyRecordBatchBuilder(magic=magic, compression_type=codec_id, batch_size=1 << 20)
        for offset, (ts, key, value, _) in enumerate(RECORDS):
            builder.append(offset, timestamp=ts, key=key, value=value)
    return bytes(builder.build())


def read(data):
    batches = []
    records = MemoryRecords(data)
    while records.has_next():
        batch = records.next_batch()
        if isinstance(batch, DefaultRecordBatch):
            h = batch._header_data
            info = {
                "magic": 2, "base_offset": h[0], "partition_leader_epoch": h[2], "crc": h[4],
                "attributes": h[5], "last_offset_delta": h[6], "first_timestamp": h[7],
                "max_timestamp": h[8], "producer_id": h[9], "producer_epoch": h[10],
                "base_sequence": h[11], "record_count": h[12],
                "crc_valid": batch.validate_crc(),
            }
        else:
            info = {
                "magic": batch._magic, "base_offset": batch._offset, "crc": batch._crc,
                "attributes": batch._attributes, "timestamp": batch._timestamp,
                "crc_valid": batch.validate_crc(),
            }
        info["compression"] = batch.compression_type
        info["records"] = [{
            "offset": r.offset,
            "timestamp": r.timestamp,
            "timestamp_type": r.timestamp_type,
            "key": hexor(r.key),
            "value": hexor(r.value),
            "headers": [[k, hexor(v)] for k, v in r.headers],
        } for r in batch]
        batches.append(info)
    return batches


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("build", "read"):
        print(__doc__, file=sys.stderr)
        return 64
    if sys.argv[1] == "read":
        with open(sys.argv[2], "rb") as f:
            print(json.dumps(read(f.read())))
        return 0

    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    missing = [name for name, ok in AVAILABLE.items() if not ok]
    if missing:
        print("kafka-python codecs missing: %s (install python3-snappy python3-lz4 python3-zstandard python3-xxhash)" % missing, file=sys.stderr)
        return 2
    files = []
    for magic in (0, 1, 2):
        for name in CODECS:
            if name == "zstd" and magic < 2:
                continue
            data = build(magic, name)
            path = os.path.join(out, "m%d_%s.bin" % (magic, name))
            with open(path, "wb") as f:
                f.write(data)
            files.append({"magic": magic, "codec": CODECS[name], "file": path, "hex": data.hex(), "read": read(data)})
    print(json.dumps({
        "records": [{"timestamp": ts, "key": hexor(k), "value": hexor(v), "headers": [[hk, hexor(hv)] for hk, hv in h]}
                    for ts, k, v, h in RECORDS],
        "producer_id": PRODUCER_ID, "producer_epoch": PRODUCER_EPOCH, "base_sequence": BASE_SEQUENCE,
        "files": files,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
