'use strict';
// Drives the Socket.IO peer: starts two server.js nodes behind one Redis, connects socket.io-client clients
// alternately to them, and measures
//   - clients(room) = io.in(room).fetchSockets() and allRooms() latency across the two nodes (p50/p99),
//   - room broadcast: N clients in R rooms, one sender per room with a window of W messages in flight,
//     delivered messages/s and delivery latency (p50/p99).
// Every loop is bounded in count and in time; the process exits by itself.
// Usage: node driver.js --redis redis://127.0.0.1:PORT [--clients 1000] [--rooms 100] [--out result.json]
const { spawn } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const { io } = require('socket.io-client');
const { createClient } = require('redis');
const { arg, percentile, withTimeout, forEachLimited, procCpuSeconds } = require('../Shared/util');

const opts = {
  redis: arg('redis', 'redis://127.0.0.1:6379'),
  clients: Number(arg('clients', '1000')),
  rooms: Number(arg('rooms', '100')),
  window: Number(arg('window', '2')),
  warmupSeconds: Number(arg('warmup', '1.5')),
  durationSeconds: Number(arg('duration', '4')),
  rounds: Number(arg('rounds', '4')),
  queries: Number(arg('queries', '500')),
  querySeconds: Number(arg('query-seconds', '10')),
  connectConcurrency: Number(arg('connect-concurrency', '50')),
  maxSeconds: Number(arg('max-seconds', '300')),
  out: arg('out', ''),
};

const hardStop = setTimeout(() => {
  console.error(`driver: exceeded ${opts.maxSeconds} s, giving up`);
  process.exit(2);
}, opts.maxSeconds * 1000);
hardStop.unref();

const children = [];
function killChildren() {
  for (const c of children) {
    if (c.exitCode === null) c.kill('SIGTERM');
  }
}
process.on('exit', killChildren);

function startNode() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), '--port', '0', '--redis', opts.redis, '--max-seconds', String(opts.maxSeconds + 30)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    const timer = setTimeout(() => reject(new Error('server.js did not start within 20 s')), 20000);
    let buffer = '';
    child.stdout.on('data', (d) => {
      buffer += d.toString();
      const m = /READY (\d+)/.exec(buffer);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    child.on('exit', (code) => reject(new Error(`server.js exited with ${code}`)));
  });
}

// CPU seconds of the whole system under test: this driver (the clients), both server nodes (/proc/PID/stat) and
// redis-server (INFO cpu). Same definition as the .NET load driver (its process hosts servers and clients).
let redisInfo = null;
// Returns { total, server }: server = both nodes + redis-server, total = server + this driver (the clients).
async function cpuSeconds() {
  const own = process.cpuUsage();
  let server = 0;
  for (const c of children) server += procCpuSeconds(c.pid);
  const info = await redisInfo.info('cpu');
  const value = (key) => Number((new RegExp(`^${key}:([0-9.]+)`, 'm').exec(info) || [])[1] || 0);
  server += value('used_cpu_sys') + value('used_cpu_user');
  return { total: server + (own.user + own.system) / 1e6, server };
}

function stats(samples) {
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null,
  };
}

function connect(url) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 10000 });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const emitAck = (socket, ...args) => withTimeout(socket.emitWithAck(...args), 10000, `${args[0]}`);

async function measureQueries(socket, name, makeArgs, expectedAtLeast) {
  const samples = [];
  const serverSamples = [];
  const warmup = Math.min(50, opts.queries);
  const deadline = performance.now() + opts.querySeconds * 1000;
  let found = 0;
  for (let i = 0; i < warmup + opts.queries && performance.now() < deadline; i++) {
    const start = performance.now();
    const result = await emitAck(socket, name, ...makeArgs(i));
    const elapsed = performance.now() - start;
    if (!result || result.error) throw new Error(`${name}: ${result && result.error}`);
    if (result.n < expectedAtLeast) throw new Error(`${name}: found ${result.n}, expected at least ${expectedAtLeast}`);
    found = result.n;
    if (i >= warmup) {
      samples.push(elapsed);
      serverSamples.push(result.ms);
    }
  }
  return { found, client: stats(samples), server: stats(serverSamples) };
}

async function broadcast(sockets, roomOf, round, warmupSeconds = opts.warmupSeconds, durationSeconds = opts.durationSeconds) {
  const membersPerRoom = Math.ceil(sockets.length / opts.rooms);
  const senders = [];
  for (let r = 0; r < opts.rooms; r++) {
    // Alternate the sender's node from room to room (members of a room alternate nodes).
    const idx = Math.min(sockets.length - 1, r * membersPerRoom + (r % 2));
    senders.push({ idx, room: roomOf(idx), inflight: 0, sent: 0, lastProgress: 0 });
  }
  const senderByIdx = new Map(senders.map((s) => [s.idx, s]));
  const maxPerSender = 1_000_000;
  let phase = 'idle';
  let windowStart = 0;
  let windowEnd = 0;
  let delivered = 0;
  const latencies = [];

  const pump = (s) => {
    while (phase !== 'stopped' && s.inflight < opts.window && s.sent < maxPerSender) {
      s.inflight++;
      s.sent++;
      sockets[s.idx].emit('b', s.room, s.idx, performance.now());
    }
  };

  sockets.forEach((socket, idx) => {
    socket.on('m', (sender, t) => {
      const now = performance.now();
      if (now >= windowStart && now < windowEnd) {
        delivered++;
        latencies.push(now - t);
      }
      if (sender === idx) {
        const s = senderByIdx.get(idx);
        s.inflight--;
        s.lastProgress = now;
        pump(s);
      }
    });
  });

  const t0 = performance.now();
  windowStart = t0 + warmupSeconds * 1000;
  windowEnd = windowStart + durationSeconds * 1000;
  phase = 'running';
  senders.forEach((s) => { s.lastProgress = t0; pump(s); });
  // Watchdog: a sender that has not seen its own message for 5 s gets its window back (a lost message never hangs it).
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const s of senders) {
      if (s.inflight > 0 && now - s.lastProgress > 5000) {
        s.inflight = 0;
        s.lastProgress = now;
        pump(s);
      }
    }
  }, 1000);
  await new Promise((resolve) => setTimeout(resolve, windowStart - t0));
  const cpuBefore = await cpuSeconds();
  await new Promise((resolve) => setTimeout(resolve, windowEnd - performance.now()));
  const cpuAfter = await cpuSeconds();
  const cpuUsed = cpuAfter.total - cpuBefore.total;
  const serverCpuUsed = cpuAfter.server - cpuBefore.server;
  phase = 'stopped';
  clearInterval(watchdog);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // drain before the next run
  sockets.forEach((socket) => socket.off('m'));
  const sent = senders.reduce((a, s) => a + s.sent, 0);
  const seconds = (windowEnd - windowStart) / 1000;
  return {
    result: {
      implementation: 'socket.io',
      round,
      senders: senders.length,
      window: opts.window,
      seconds,
      sent,
      delivered,
      deliveredPerSecond: delivered / seconds,
      cpuSeconds: cpuUsed,
      deliveredPerCpuSecond: delivered / cpuUsed,
      serverCpuSeconds: serverCpuUsed,
      deliveredPerServerCpuSecond: delivered / serverCpuUsed,
      latency: stats(latencies),
    },
    latencies,
  };
}

function installedVersion(name) {
  // Read the installed package.json from node_modules (some packages do not export it).
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', name, 'package.json'), 'utf8')).version;
}

async function main() {
  const started = performance.now();
  const nodes = [await startNode(), await startNode()];
  redisInfo = createClient({ url: opts.redis });
  redisInfo.on('error', (e) => console.error('redis info client error', e.message));
  await redisInfo.connect();
  const urls = nodes.map((n) => n.url);
  const membersPerRoom = Math.ceil(opts.clients / opts.rooms);
  const roomOf = (i) => `room-${Math.floor(i / membersPerRoom)}`;

  // Client i goes to node i % 2; a room's members are consecutive clients, so every room spans both nodes.
  const sockets = new Array(opts.clients);
  await forEachLimited([...Array(opts.clients).keys()], opts.connectConcurrency, async (i) => {
    sockets[i] = await withTimeout(connect(urls[i % 2]), 15000, `connect client ${i}`);
  });
  await forEachLimited(sockets, opts.connectConcurrency, (socket, i) => emitAck(socket, 'join', roomOf(i)));
  const setupSeconds = (performance.now() - started) / 1000;

  // Queries from a client of node 0 about rooms whose members are on both nodes.
  const clients = await measureQueries(sockets[0], 'clients', (i) => [`room-${i % opts.rooms}`], membersPerRoom);
  const allRooms = await measureQueries(sockets[0], 'rooms', () => [], opts.rooms);

  // One unmeasured warm-up run first (JIT, buffers), as the .NET driver does.
  console.error('broadcast warm-up run (not measured)');
  await broadcast(sockets, roomOf, -1, 1, 2);
  const rounds = [];
  let allLatencies = [];
  for (let round = 0; round < opts.rounds; round++) {
    const { result, latencies } = await broadcast(sockets, roomOf, round);
    console.error(`broadcast round ${round + 1}: ${result.deliveredPerSecond.toFixed(0)} delivered/s, ${result.deliveredPerCpuSecond.toFixed(0)} delivered/CPU-s, ${result.deliveredPerServerCpuSecond.toFixed(0)} delivered/server-CPU-s, p99 ${result.latency.p99Ms.toFixed(1)} ms`);
    rounds.push(result);
    allLatencies = allLatencies.concat(latencies);
  }
  const perSecond = rounds.map((r) => r.deliveredPerSecond).sort((a, b) => a - b);
  const bcast = {
    rounds,
    summary: {
      implementation: 'socket.io',
      rounds: rounds.length,
      deliveredPerSecond: rounds.reduce((a, r) => a + r.delivered, 0) / rounds.reduce((a, r) => a + r.seconds, 0),
      medianDeliveredPerSecond: perSecond[Math.floor(perSecond.length / 2)],
      deliveredPerCpuSecond: rounds.reduce((a, r) => a + r.delivered, 0) / rounds.reduce((a, r) => a + r.cpuSeconds, 0),
      deliveredPerServerCpuSecond: rounds.reduce((a, r) => a + r.delivered, 0) / rounds.reduce((a, r) => a + r.serverCpuSeconds, 0),
      latency: stats(allLatencies),
    },
  };

  sockets.forEach((s) => s.disconnect());
  await redisInfo.quit();
  const result = {
    implementation: 'socket.io',
    versions: {
      node: process.version,
      ...Object.fromEntries(['socket.io', '@socket.io/redis-adapter', 'redis', 'socket.io-client'].map((name) => [name, installedVersion(name)])),
    },
    topology: 'two nodes, one Redis',
    clients: opts.clients,
    rooms: opts.rooms,
    setupSeconds,
    clientsQuery: clients,
    allRoomsQuery: allRooms,
    broadcast: bcast,
  };
  const json = JSON.stringify(result, null, 2);
  if (opts.out) fs.writeFileSync(opts.out, json);
  console.log(json);
  // Stop both nodes and wait for them (bounded), so nothing of this run outlives it.
  await Promise.race([
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((resolve) => { c.once('exit', resolve); c.kill('SIGTERM'); })))),
    new Promise((resolve) => setTimeout(resolve, 5000)),
  ]);
  killChildren();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  killChildren();
  process.exit(1);
});
