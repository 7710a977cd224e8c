'use strict';
// The kafkajs peer of RxKafka's side-by-side consumer benchmark (docs/benchmarks.md, "The side-by-side
// consumer benchmark").
//
//   node consume.js --bootstrap HOST:PORT,... --topic NAME --records N [--set key=value]...
//
// kafkajs has no assign(): its consumer always joins a group. This one joins a group of its own (a new
// name per run, so no committed offset is found and reading starts at the beginning), commits nothing,
// and reads --records records through eachBatch, once to warm up; then it seeks every partition back to
// offset 0 and reads them again, measured. The measured interval runs from the seeks to the last
// record: wall time (process.hrtime), process CPU time (process.cpuUsage) and the whole machine's busy
// time (/proc/stat). --set takes the Kafka config names the other peers take (fetch.max.bytes,
// max.partition.fetch.bytes, fetch.wait.max.ms) and hands them to kafkajs under its own names. One JSON
// line on standard output, with the fields of the other peers (allocation has no counterpart: null).
//
// Modules come from the folder scripts/bench-setup.sh installs them in (NODE_PATH), never from the repository.
const { startInterval, pairs, run } = require('./peer');

// Kafka's config names -> kafkajs consumer options.
const SETTINGS = {
  'fetch.max.bytes': 'maxBytes',
  'max.partition.fetch.bytes': 'maxBytesPerPartition',
  'fetch.wait.max.ms': 'maxWaitTimeInMs',
  'fetch.min.bytes': 'minBytes',
};
// A pass that sees no record for this long is stuck.
const IDLE_LIMIT_MS = 30000;

function parse(argv) {
  const options = { bootstrap: '', topic: '', records: 0, consumer: {} };
  for (const [name, value] of pairs(argv)) {
    if (name === '--bootstrap') options.bootstrap = value;
    else if (name === '--topic') options.topic = value;
    else if (name === '--records') options.records = Number(value);
    else if (name === '--set') {
      const eq = value.indexOf('=');
      if (eq <= 0) throw new Error(`--set needs key=value, got '${value}'`);
      const key = value.slice(0, eq);
      if (!SETTINGS[key]) throw new Error(`--set ${key}: not a setting this peer knows (${Object.keys(SETTINGS).join(', ')})`);
      const n = Number(value.slice(eq + 1));
      if (!Number.isInteger(n) || n < 0) throw new Error(`--set ${key} needs a whole number, got '${value.slice(eq + 1)}'`);
      options.consumer[SETTINGS[key]] = n;
    } else throw new Error(`unknown argument '${name}'`);
  }
  if (!options.bootstrap || !options.topic || !Number.isInteger(options.records) || options.records < 1) {
    throw new Error('--bootstrap and --topic are required, --records must be a whole number, at least 1');
  }
  return options;
}

async function main(options) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({ clientId: 'kafkajs-bench', brokers: options.bootstrap.split(','), logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicMetadata({ topics: [options.topic] })).topics[0].partitions.map((p) => p.partitionId);
  await admin.disconnect();

  const consumer = kafka.consumer({ groupId: `kafkajs-bench-${process.pid}-${Date.now()}`, ...options.consumer });
  await consumer.connect();
  await consumer.subscribe({ topics: [options.topic], fromBeginning: true });

  // One pass = count records; eachBatch resolves the pass that is waiting for them.
  let pass = null;
  let lastRecord = Date.now();
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (pass === null) return;
      for (const m of batch.messages) pass.read += m.value === null ? 0 : m.value.length;
      pass.records += batch.messages.length;
      lastRecord = Date.now();
      if (pass.records >= options.records) pass.done();
    },
  });

  function readPass() {
    return new Promise((resolve, reject) => {
      const p = { records: 0, read: 0 };
      const idle = setInterval(() => {
        if (Date.now() - lastRecord > IDLE_LIMIT_MS) {
          clearInterval(idle);
          reject(new Error(`no record for ${IDLE_LIMIT_MS / 1000} s after ${p.records} records`));
        }
      }, 1000);
      p.done = () => {
        clearInterval(idle);
        pass = null;
        resolve(p);
      };
      lastRecord = Date.now();
      pass = p;
    });
  }

  // Warm-up: the group join, connections, metadata, the JIT.
  await readPass();

  const end = startInterval();
  const measured = readPass();
  for (const partition of partitions) consumer.seek({ topic: options.topic, partition, offset: '0' });
  const { read } = await measured;
  const figures = end(options.records);
  await consumer.disconnect();

  process.stdout.write(JSON.stringify({
    ...figures,
    value_bytes: Math.round(read / options.records),
    compression: 'none',
    warmup: options.records,
    alloc_bytes_per_record: null,
    value_bytes_read: read,
    partitions: partitions.length,
  }) + '\n');
}

run(parse, main);
