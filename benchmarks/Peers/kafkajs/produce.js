'use strict';
// The kafkajs peer of RxKafka's side-by-side producer benchmark (docs/benchmarks.md).
//
//   node produce.js --bootstrap HOST:PORT,... --topic NAME [--records 1000000] [--value-bytes 100]
//                   [--compression none|lz4|gzip] [--acks 1] [--messages-per-send 10000]
//                   [--concurrent-sends 4] [--warmup 10000]
//
// kafkajs has no linger and no background accumulator: a producer hands it batches. This sends
// N records (no key, a value of random bytes) as send() calls of --messages-per-send records each,
// --concurrent-sends of them in flight at once; a send resolves when every broker it wrote to has
// acknowledged (acks=1), which is kafkajs's delivery report. Before the measured run, --warmup
// records are sent the same way (connections, metadata, JIT) and not counted. The measured interval
// runs from the first measured send to the last acknowledgement: wall time (process.hrtime), process
// CPU time (process.cpuUsage: every thread of the process) and the CPU time of the whole machine
// (/proc/stat, to tell what else was running). One JSON line on standard
// output, diagnostics on standard error. Exit code 0 when every record was acknowledged.
//
// Modules come from the folder scripts/bench-setup.sh installs them in (NODE_PATH), never from the
// repository. lz4 needs the kafkajs-lz4 codec (native lz4 module); without it, lz4 runs fail.
const crypto = require('crypto');
const { startInterval, pairs, run } = require('./peer');

function parse(argv) {
  const options = {
    bootstrap: '', topic: '', records: 1000000, valueBytes: 100, compression: 'none', acks: 1,
    messagesPerSend: 10000, concurrentSends: 4, warmup: 10000,
  };
  const numbers = {
    '--records': 'records', '--value-bytes': 'valueBytes', '--acks': 'acks', '--messages-per-send': 'messagesPerSend',
    '--concurrent-sends': 'concurrentSends', '--warmup': 'warmup',
  };
  for (const [name, value] of pairs(argv)) {
    if (name === '--bootstrap') options.bootstrap = value;
    else if (name === '--topic') options.topic = value;
    else if (name === '--compression') options.compression = value.toLowerCase();
    else if (numbers[name]) {
      const n = Number(value);
      if (!Number.isInteger(n) || (n < 0 && name !== '--acks')) throw new Error(`${name} needs a whole number, got '${value}'`);
      options[numbers[name]] = n;
    } else throw new Error(`unknown argument '${name}'`);
  }
  if (!options.bootstrap || !options.topic || options.records < 1 || options.messagesPerSend < 1 || options.concurrentSends < 1) {
    throw new Error('--bootstrap and --topic are required; --records, --messages-per-send, --concurrent-sends at least 1');
  }
  return options;
}

async function main(options) {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const { Kafka, CompressionTypes, CompressionCodecs, Partitioners, logLevel } = require('kafkajs');
  const codecs = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, lz4: CompressionTypes.LZ4 };
  const compression = codecs[options.compression];
  if (compression === undefined) throw new Error(`compression '${options.compression}' is not supported here`);
  if (compression === CompressionTypes.LZ4) {
    const LZ4Codec = require('kafkajs-lz4');
    CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;
  }

  const kafka = new Kafka({ clientId: 'kafkajs-bench', brokers: options.bootstrap.split(','), logLevel: logLevel.ERROR });
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  // Values: a pool of distinct random buffers, cycled. Random bytes do not compress: lz4 costs its
  // CPU and saves nothing, for every client alike.
  const pool = [];
  for (let i = 0; i < 1024; i++) pool.push({ value: crypto.randomBytes(options.valueBytes) });

  async function sendAll(count) {
    let next = 0;
    let acknowledged = 0;
    async function sender() {
      while (next < count) {
        const n = Math.min(options.messagesPerSend, count - next);
        const messages = new Array(n);
        for (let i = 0; i < n; i++) messages[i] = pool[(next + i) % pool.length];
        next += n;
        await producer.send({ topic: options.topic, acks: options.acks, compression, messages });
        acknowledged += n;
      }
    }
    const senders = [];
    for (let i = 0; i < options.concurrentSends; i++) senders.push(sender());
    await Promise.all(senders);
    return acknowledged;
  }

  if (options.warmup > 0) await sendAll(options.warmup);

  const end = startInterval();
  let delivered = 0;
  let errors = 0;
  try {
    delivered = await sendAll(options.records);
  } catch (e) {
    errors = options.records - delivered;
    process.stderr.write(`kafkajs peer: send failed: ${e.stack || e}\n`);
  }
  const figures = end(options.records);
  await producer.disconnect();

  process.stdout.write(JSON.stringify({
    ...figures,
    value_bytes: options.valueBytes,
    compression: options.compression,
    acks: String(options.acks),
    messages_per_send: options.messagesPerSend,
    concurrent_sends: options.concurrentSends,
    warmup: options.warmup,
    delivered,
    delivery_errors: errors,
  }) + '\n');
  process.exitCode = errors === 0 && delivered === options.records ? 0 : 1;
}

run(parse, main);
