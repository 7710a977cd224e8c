'use strict';
// What the kafkajs peers (produce.js, consume.js) share: the machine's busy time and how a peer starts and fails.
const fs = require('fs');

// CPU time every process on the machine spent, from the "cpu" line of /proc/stat (user, nice, system,
// irq, softirq; USER_HZ ticks of 10 ms), or null without /proc: the runner subtracts this client's and
// the broker's share to tell how busy everything else kept the cores.
function machineBusySeconds() {
  try {
    const f = fs.readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).map(Number);
    return (f[1] + f[2] + f[3] + f[6] + f[7]) / 100;
  } catch {
    return null;
  }
}

// Starts the measured interval; the function it returns ends it and gives the JSON line's common fields for
// `records` records (the client, its version, the figures): wall time (process.hrtime), this process's CPU time (process.cpuUsage: every thread) and
// the whole machine's busy time.
function startInterval() {
  const machineBefore = machineBusySeconds();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  return (records) => {
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const machineAfter = machineBusySeconds();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return {
      client: 'kafkajs',
      version: `kafkajs ${require('kafkajs/package.json').version}, node ${process.versions.node}`,
      records,
      elapsed_s: elapsed,
      cpu_user_s: cpu.user / 1e6,
      cpu_sys_s: cpu.system / 1e6,
      cpu_s: cpuSeconds,
      records_per_s: records / elapsed,
      cpu_us_per_record: cpuSeconds * 1e6 / records,
      ...(machineBefore === null || machineAfter === null ? {} : { machine_busy_s: machineAfter - machineBefore }),
    };
  };
}

// The command line's "--name value" pairs.
function* pairs(argv) {
  for (let i = 2; i < argv.length; i += 2) {
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
    yield [argv[i], argv[i + 1]];
  }
}

// Parses the command line with parse and runs main(options): bad arguments exit 2, a failure exits 1,
// each with one line on standard error.
function run(parse, main) {
  let options;
  try {
    options = parse(process.argv);
  } catch (e) {
    process.stderr.write(`kafkajs peer: ${e.message}\n`);
    process.exit(2);
  }

  main(options).catch((e) => {
    process.stderr.write(`kafkajs peer: ${e.stack || e}\n`);
    process.exit(1);
  });
}

module.exports = { startInterval, pairs, run };
