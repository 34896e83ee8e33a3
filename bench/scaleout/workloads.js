'use strict';
// The workloads, each bounded by a count and a deadline, each returning its figures with the CPU the servers (and
// Redis) and the clients spent, and the Redis commands the system sent meanwhile.
const net = require('node:net');
const { cpuDelta, commandDelta, SUBSCRIBE_COMMANDS, sumOf, totalCalls } = require('./systems');
const { connectClient, forEachLimited } = require('./clients');
const { percentile } = require('../Shared/util');

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stats(samples) {
  const sorted = Float64Array.from(samples).sort();
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

async function probe(system) {
  return { cpu: await system.cpu(), calls: await system.commandCalls() };
}

function probeDelta(a, b) {
  const cpu = cpuDelta(a.cpu, b.cpu);
  const calls = commandDelta(a.calls, b.calls);
  return { cpu, calls, redisCommands: totalCalls(calls), subscribes: sumOf(calls, SUBSCRIBE_COMMANDS), publishes: sumOf(calls, ['publish', 'spublish']) };
}

/**
 * Join + leave end to end: every client loops Subscribe(room) then Unsubscribe(room) until the deadline (at most
 * maxOps operations each). mode 'fresh' = a new room for every pair; 'pooled' = a random room of a pool.
 */
async function joinLeave(system, clients, { mode, seconds, poolRooms, tag, maxOps = 1_000_000 }) {
  const latencies = [];
  let ops = 0;
  let errors = 0;
  let firstError = null;
  const before = await probe(system);
  const deadline = now() + seconds * 1000;
  await Promise.all(clients.map(async (c, ci) => {
    for (let i = 0; now() < deadline && i < maxOps && errors < 100; i++) {
      const room = mode === 'fresh' ? `${tag}-${ci}-${i}` : `pool-${Math.floor(Math.random() * poolRooms)}`;
      try {
        let t = now();
        await c.call('Subscribe', room);
        latencies.push(now() - t);
        t = now();
        await c.call('Unsubscribe', room);
        latencies.push(now() - t);
        ops += 2;
      } catch (e) {
        errors++;
        firstError ??= e.message;
      }
    }
  }));
  const d = probeDelta(before, await probe(system));
  const pairs = ops / 2;
  return {
    mode, clients: clients.length, ops, errors, firstError,
    opsPerSecond: ops / d.cpu.wall,
    latency: stats(latencies),
    serverCpuPerPairUs: (d.cpu.server / pairs) * 1e6,
    serversCpuPerPairUs: (d.cpu.servers / pairs) * 1e6,
    redisCpuPerPairUs: (d.cpu.redis / pairs) * 1e6,
    clientCpuPerPairUs: (d.cpu.client / pairs) * 1e6,
    serverCores: d.cpu.serverCores,
    clientCores: d.cpu.clientCores,
    machineCores: d.cpu.machineCores,
    redisCommandsPerOp: d.redisCommands / ops,
    subscribesPerOp: d.subscribes / ops,
    publishesPerOp: d.publishes / ops,
    commands: d.calls,
  };
}

/** The broadcast population: n clients, client i on server i % servers, in room `room-floor(i / perRoom)`. */
async function population(system, clients, rooms) {
  const perRoom = Math.ceil(clients.length / rooms);
  const roomOf = (i) => `room-${Math.floor(i / perRoom)}`;
  await forEachLimited(clients, 50, (c, i) => c.call('Subscribe', roomOf(i)));
  return { perRoom, roomOf };
}

/**
 * PUBLISH for a room whose members are all on one server: 10 clients of the first server join a room of their own,
 * one of them sends `count` EmitToRoom messages one after the other (each awaited back); INFO commandstats delta.
 */
async function localRoomPublishes(system, clients, { count = 20 } = {}) {
  if (!system.redis) return null;
  const servers = system.urls().length;
  const members = clients.filter((_, i) => i % servers === 0).slice(0, 10);
  const room = 'local-only';
  await Promise.all(members.map((c) => c.call('Subscribe', room)));
  const sender = members[0];
  const before = await system.commandCalls();
  for (let i = 0; i < count; i++) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sender.off('message'); reject(new Error('a local-only room message did not come back within 10 s')); }, 10000);
      sender.on('message', (m) => {
        if (m.room !== room) return;
        clearTimeout(timer);
        sender.off('message');
        resolve();
      });
      sender.send('EmitToRoom', room, `0 ${now()}`);
    });
  }
  const calls = commandDelta(before, await system.commandCalls());
  await Promise.all(members.map((c) => c.call('Unsubscribe', room)));
  return { messages: count, members: members.length, publishes: sumOf(calls, ['publish', 'spublish']), publishesPerMessage: sumOf(calls, ['publish', 'spublish']) / count, commands: calls };
}

/** clients(room): one client of the first server asks GetClients for rooms with members on every server. */
async function clientsQuery(clients, { rooms, perRoom, queries, seconds }) {
  const samples = [];
  const asker = clients[0];
  const warmup = Math.min(50, queries);
  const deadline = now() + seconds * 1000;
  let found = 0;
  for (let i = 0; i < warmup + queries && now() < deadline; i++) {
    const t = now();
    const ids = await asker.call('GetClients', `room-${i % rooms}`);
    const elapsed = now() - t;
    if (!Array.isArray(ids) || ids.length < perRoom) throw new Error(`GetClients: ${JSON.stringify(ids)?.slice(0, 200)}, expected ${perRoom} ids`);
    found = ids.length;
    if (i >= warmup) samples.push(elapsed);
  }
  return { found, latency: stats(samples) };
}

/**
 * Room broadcast: one sender per room keeps `window` EmitToRoom messages in flight (the next goes when its own comes
 * back); every member receives every message of its room. Delivered messages counted in the measured window.
 */
async function broadcast(system, clients, { rooms, perRoom, roomOf, window, warmupSeconds, seconds }) {
  const senders = [];
  for (let r = 0; r < rooms; r++) {
    const idx = Math.min(clients.length - 1, r * perRoom + (r % 2)); // senders alternate servers
    senders.push({ idx, room: roomOf(idx), inflight: 0, sent: 0, lastProgress: 0 });
  }
  const senderByIdx = new Map(senders.map((s) => [s.idx, s]));
  let running = true;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let delivered = 0;
  let sentInWindow = 0;
  const latencies = [];
  const pump = (s) => {
    while (running && s.inflight < window) {
      s.inflight++;
      s.sent++;
      const t = now();
      if (t >= windowStart && t < windowEnd) sentInWindow++;
      clients[s.idx].send('EmitToRoom', s.room, `${s.idx} ${t}`);
    }
  };
  clients.forEach((c, idx) => {
    c.on('message', (msg) => {
      const t = now();
      const space = msg.text.indexOf(' ');
      const sender = Number(msg.text.slice(0, space));
      if (t >= windowStart && t < windowEnd) {
        delivered++;
        latencies.push(t - Number(msg.text.slice(space + 1)));
      }
      if (sender === idx) {
        const s = senderByIdx.get(idx);
        s.inflight--;
        s.lastProgress = t;
        pump(s);
      }
    });
  });
  const t0 = now();
  senders.forEach((s) => { s.lastProgress = t0; pump(s); });
  // A sender that has not seen its own message for 5 s gets its window back: a lost message never stalls it.
  const watchdog = setInterval(() => {
    const t = now();
    for (const s of senders) if (s.inflight > 0 && t - s.lastProgress > 5000) { s.inflight = 0; s.lastProgress = t; pump(s); }
  }, 1000);
  await sleep(warmupSeconds * 1000);
  // Messages sent between the two probes (taken at each probe's midpoint), for PUBLISH per message.
  const totalSent = () => senders.reduce((a, s) => a + s.sent, 0);
  let sent0 = totalSent();
  const before = await probe(system);
  sent0 = (sent0 + totalSent()) / 2;
  windowStart = now();
  windowEnd = windowStart + seconds * 1000;
  await sleep(seconds * 1000);
  let sent1 = totalSent();
  const after = await probe(system);
  sent1 = (sent1 + totalSent()) / 2;
  const d = probeDelta(before, after);
  running = false;
  clearInterval(watchdog);
  await sleep(1000); // drain
  clients.forEach((c) => c.off('message'));
  const measured = (windowEnd - windowStart) / 1000;
  return {
    senders: senders.length, window, seconds: measured, sentInWindow, delivered,
    deliveredPerSecond: delivered / measured,
    latency: stats(latencies),
    serverCpuPerMessageUs: (d.cpu.server / delivered) * 1e6,
    deliveredPerServerCpuSecond: delivered / d.cpu.server,
    clientCpuPerMessageUs: (d.cpu.client / delivered) * 1e6,
    serverCores: d.cpu.serverCores,
    clientCores: d.cpu.clientCores,
    machineCores: d.cpu.machineCores,
    publishesPerMessage: d.publishes / (sent1 - sent0),
    redisCommandsPerMessage: d.redisCommands / (sent1 - sent0),
    commands: d.calls,
  };
}

/**
 * Connect storm: n clients to the system's servers at once (at most `concurrency` connects in flight), bounded by a
 * deadline; then one of them lists every socket (FetchSockets with no rooms = the whole namespace).
 */
async function connectStorm(system, { n, concurrency, seconds, heap }) {
  const urls = system.urls();
  const clients = [];
  let failed = 0;
  let firstError = null;
  const heapBefore = heap ? await heap() : null;
  const rssBefore = system.rssBytes();
  const before = await probe(system);
  const deadline = now() + seconds * 1000;
  await forEachLimited([...Array(n).keys()], concurrency, async (i) => {
    if (now() > deadline) { failed++; return; }
    try {
      clients.push(await connectClient(system.def.client, urls[i % urls.length]));
    } catch (e) {
      failed++;
      firstError ??= e.message;
    }
  });
  const d = probeDelta(before, await probe(system));
  await sleep(500); // let the servers finish the connects' tails before reading their memory
  const rssAfter = system.rssBytes();
  const heapAfter = heap ? await heap() : null;
  let listed = null;
  let listError = null;
  try {
    const all = await clients[0].call('FetchSockets', [], []);
    listed = Array.isArray(all) ? all.length : null;
  } catch (e) {
    listError = e.message;
  }
  return {
    clients: n, concurrency, connected: clients.length, failed, firstError,
    connectsPerSecond: clients.length / d.cpu.wall,
    seconds: d.cpu.wall,
    serverCpuPerConnectUs: (d.cpu.server / clients.length) * 1e6,
    serverCores: d.cpu.serverCores,
    clientCores: d.cpu.clientCores,
    machineCores: d.cpu.machineCores,
    subscribes: d.subscribes,
    redisCommandsPerConnect: d.redisCommands / Math.max(1, clients.length),
    listed, listError,
    rssPerConnectionBytes: (rssAfter - rssBefore) / Math.max(1, clients.length),
    heapPerConnectionBytes: heapBefore && heapAfter ? (heapAfter.bytes - heapBefore.bytes) / Math.max(1, clients.length) : null,
    heapTypesPerConnection: heapBefore?.types && heapAfter?.types ? topTypes(heapBefore.types, heapAfter.types, clients.length) : null,
    commands: d.calls,
    openClients: clients,
  };
}

/**
 * Counts the Redis commands a short, bounded join+leave run sends, with MONITOR (too slow to leave on during timed
 * runs): commands sent by the servers (round trips) apart from the commands Lua scripts run inside Redis.
 */
async function countCommands(system, clients, { mode, pairsPerClient, poolRooms, tag }) {
  if (!system.redis) return null;
  const sock = net.connect(system.redis.port, '127.0.0.1');
  const sent = {};
  const inScripts = {};
  let buffer = '';
  let ok;
  const ready = new Promise((resolve, reject) => { ok = resolve; sock.once('error', reject); });
  sock.on('data', (d) => {
    buffer += d.toString('latin1');
    for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      if (line === '+OK') { ok(); continue; }
      const m = /^\+[\d.]+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
      if (!m) continue;
      const cmd = m[2].toLowerCase();
      if (cmd === 'info' || cmd === 'monitor') continue;
      const bucket = m[1] === 'lua' ? inScripts : sent;
      bucket[cmd] = (bucket[cmd] || 0) + 1;
    }
  });
  sock.write('MONITOR\r\n');
  await Promise.race([ready, sleep(5000).then(() => { throw new Error('MONITOR did not start'); })]);
  const r = await joinLeave(system, clients, { mode, seconds: 20, poolRooms, tag, maxOps: pairsPerClient });
  await sleep(300); // the last monitor lines
  sock.destroy();
  const total = (o) => Object.values(o).reduce((a, v) => a + v, 0);
  return {
    mode, ops: r.ops, sentPerOp: total(sent) / r.ops, inScriptsPerOp: total(inScripts) / r.ops,
    subscribesPerOp: SUBSCRIBE_COMMANDS.reduce((a, c) => a + (sent[c] || 0), 0) / r.ops, sent, inScripts,
  };
}

/** The types that grew most over the storm, per connection (bytes and objects). */
function topTypes(before, after, n, top = 8) {
  return Object.entries(after)
    .map(([type, v]) => ({ type, bytes: (v.bytes - (before[type]?.bytes || 0)) / n, objects: (v.count - (before[type]?.count || 0)) / n }))
    .sort((a, b) => b.bytes - a.bytes).slice(0, top);
}

module.exports = { countCommands, localRoomPublishes, joinLeave, population, clientsQuery, broadcast, connectStorm, stats };
