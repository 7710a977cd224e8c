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
const fs = require('fs');

// Kafka's config names -> kafkajs consumer options.
const SETTINGS = {
  'fetch.max.bytes': 'maxBytes',
  'max.partition.fetch.bytes': 'maxBytesPerPartition',
  'fetch.wait.max.ms': 'maxWaitTimeInMs',
  'fetch.min.bytes': 'minBytes',
};
// A pass that sees no record for this long is stuck.
const IDLE_LIMIT_MS = 30000;

function machineBusySeconds() {
  try {
    const f = fs.readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).map(Number);
    return (f[1] + f[2] + f[3] + f[6] + f[7]) / 100;
  } catch {
    return null;
  }
}

function parse(argv) {
  const options = { bootstrap: '', topic: '', records: 0, consumer: {} };
  for (let i = 2; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
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

async function main() {
  let options;
  try {
    options = parse(process.argv);
  } catch (e) {
    process.stderr.write(`kafkajs peer: ${e.message}\n`);
    process.exit(2);
  }

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

  const machineBefore = machineBusySeconds();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const measured = readPass();
  for (const partition of partitions) consumer.seek({ topic: options.topic, partition, offset: '0' });
  const { read } = await measured;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = machineBusySeconds();
  await consumer.disconnect();

  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(JSON.stringify({
    client: 'kafkajs',
    version: `kafkajs ${require('kafkajs/package.json').version}, node ${process.versions.node}`,
    records: options.records,
    value_bytes: Math.round(read / options.records),
    compression: 'none',
    warmup: options.records,
    elapsed_s: elapsed,
    cpu_user_s: cpu.user / 1e6,
    cpu_sys_s: cpu.system / 1e6,
    cpu_s: cpuSeconds,
    records_per_s: options.records / elapsed,
    cpu_us_per_record: cpuSeconds * 1e6 / options.records,
    alloc_bytes_per_record: null,
    ...(machineBefore === null || machineAfter === null ? {} : { machine_busy_s: machineAfter - machineBefore }),
    value_bytes_read: read,
    partitions: partitions.length,
  }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`kafkajs peer: ${e.stack || e}\n`);
  process.exit(1);
});
