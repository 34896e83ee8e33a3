'use strict';
// Scale-out and Socket.IO endpoint benchmark (issues 11 and 12). Starts every system under test (servers in their
// own processes, a fresh redis-server per scaled-out system), then alternates them in time, round after round:
//   clients(room) latency and room broadcast with a population of N clients in R rooms (members on every server),
//   join+leave end to end with J clients (a fresh room per pair, then rooms from a pool), and a connect storm.
// Clients are the official JS clients in this one process: @microsoft/signalr for the SignalR hubs,
// socket.io-client for Socket.IO. Everything is on 127.0.0.1; every loop is bounded in count and time.
//
// Usage: node driver.js --chatrooms-dll PATH [--systems rf,stock,sio,rf-sio1,sio1,rf-sio2] [--rounds 3] [--out result.json]
//        node driver.js --chatrooms-dll PATH --profile stock --profile-seconds 10 --trace-tool PATH --trace-out FILE
// (options and defaults below; bench/README.md describes the scenarios)
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { SYSTEMS, Processes, startSystem } = require('./systems');
const { connectMany, closeMany } = require('./clients');
const { arg } = require('../Shared/util');
const { countCommands, localRoomPublishes, joinLeave, population, clientsQuery, broadcast, connectStorm } = require('./workloads');

const opts = {
  chatroomsDll: arg('chatrooms-dll', path.resolve(__dirname, '../../examples/ChatRooms/bin/Release/net10.0/ChatRooms.dll')),
  systems: arg('systems', 'rf,stock,sio,rf-sio1,sio1,rf-sio2').split(',').filter(Boolean),
  rounds: Number(arg('rounds', '3')),
  clients: Number(arg('clients', '1000')),
  rooms: Number(arg('rooms', '100')),
  window: Number(arg('window', '2')),
  warmupSeconds: Number(arg('warmup', '1')),
  durationSeconds: Number(arg('duration', '3')),
  queries: Number(arg('queries', '500')),
  jlClients: Number(arg('jl-clients', '100')),
  jlSeconds: Number(arg('jl-seconds', '3')),
  poolRooms: Number(arg('pool-rooms', '1000')),
  stormClients: Number(arg('storm-clients', '10000')),
  stormConcurrency: Number(arg('storm-concurrency', '500')),
  stormSeconds: Number(arg('storm-seconds', '90')),
  stormRounds: Number(arg('storm-rounds', '2')),
  stormSystems: arg('storm-systems', 'rf,stock,sio,rf-sio1,sio1').split(',').filter(Boolean),
  connectConcurrency: Number(arg('connect-concurrency', '100')),
  maxSeconds: Number(arg('max-seconds', '1500')),
  logDir: arg('log-dir', ''),
  out: arg('out', ''),
  profile: arg('profile', ''),
  profileSeconds: Number(arg('profile-seconds', '10')),
  traceTool: arg('trace-tool', 'dotnet-trace'),
  gcdumpTool: arg('gcdump-tool', ''),
  heapSystems: arg('heap-systems', 'rf-sio1,sio1').split(',').filter(Boolean),
  traceOut: arg('trace-out', ''),
};

const procs = new Processes(opts.logDir || null);
process.on('exit', () => procs.killAll());
const hardStop = setTimeout(() => {
  console.error(`scaleout driver: exceeded ${opts.maxSeconds} s, giving up`);
  procs.killAll();
  process.exit(2);
}, opts.maxSeconds * 1000);
hardStop.unref();

const log = (msg) => console.error(`[scaleout ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const f0 = (x) => (x == null || !Number.isFinite(x) ? 'n/a' : x.toFixed(0));
const f1 = (x) => (x == null || !Number.isFinite(x) ? 'n/a' : x.toFixed(1));

function dropClients(result) {
  const { openClients, ...rest } = result;
  return rest;
}

/** One round of every workload on one system. */
async function runRound(system, round) {
  const out = { round };
  // Population: clients(room) latency, then broadcast.
  const pop = await connectMany(system, opts.clients, opts.connectConcurrency);
  const { perRoom, roomOf } = await population(system, pop, opts.rooms);
  if (round === 0 && system.redis) {
    out.localRoom = await localRoomPublishes(system, pop);
    log(`${system.key} r${round}: a room with all members on one server: ${out.localRoom.publishes} PUBLISH for ${out.localRoom.messages} messages`);
  }
  out.clientsQuery = await clientsQuery(pop, { rooms: opts.rooms, perRoom, queries: opts.queries, seconds: 20 });
  out.broadcast = await broadcast(system, pop, {
    rooms: opts.rooms, perRoom, roomOf, window: opts.window, warmupSeconds: opts.warmupSeconds, seconds: opts.durationSeconds,
  });
  await closeMany(pop);
  await system.settle();
  log(`${system.key} r${round}: clients(room) p50 ${out.clientsQuery.latency.p50Ms.toFixed(2)} ms; broadcast ${f0(out.broadcast.deliveredPerSecond)}/s p99 ${f1(out.broadcast.latency.p99Ms)} ms, ${f1(out.broadcast.serverCpuPerMessageUs)} µs server CPU/msg, client ${out.broadcast.clientCores.toFixed(2)} cores`);

  // Join + leave.
  const jl = await connectMany(system, opts.jlClients, opts.connectConcurrency);
  for (const mode of ['fresh', 'pooled']) {
    const r = await joinLeave(system, jl, { mode, seconds: opts.jlSeconds, poolRooms: opts.poolRooms, tag: `f${round}` });
    out[mode === 'fresh' ? 'joinLeaveFresh' : 'joinLeavePooled'] = r;
    log(`${system.key} r${round}: join+leave ${mode} ${f0(r.opsPerSecond)} ops/s p99 ${f1(r.latency.p99Ms)} ms, ${f0(r.serverCpuPerPairUs)} µs server CPU/pair, client ${r.clientCores.toFixed(2)} cores, ${r.redisCommandsPerOp.toFixed(2)} cmds/op, ${r.subscribesPerOp.toFixed(2)} sub/op${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`);
  }
  if (round === 0 && system.redis) {
    out.commandCount = {};
    for (const mode of ['fresh', 'pooled']) {
      const c = await countCommands(system, jl.slice(0, 10), { mode, pairsPerClient: 10, poolRooms: opts.poolRooms, tag: `c${round}` });
      out.commandCount[mode] = c;
      log(`${system.key} r${round}: MONITOR ${mode}: ${c.sentPerOp.toFixed(2)} commands sent per join or leave (${JSON.stringify(c.sent)}), ${c.inScriptsPerOp.toFixed(2)} run inside scripts`);
    }
  }
  await closeMany(jl);
  await system.settle();

  // Connect storm (in the first stormRounds rounds only: it is the slowest part).
  if (opts.stormClients > 0 && round < opts.stormRounds && opts.stormSystems.includes(system.key)) {
    const heap = opts.heapSystems.includes(system.key) ? () => system.heapBytes(opts.gcdumpTool) : null;
    const storm = await connectStorm(system, { n: opts.stormClients, concurrency: opts.stormConcurrency, seconds: opts.stormSeconds, heap });
    await closeMany(storm.openClients, 500);
    out.storm = dropClients(storm);
    await system.settle(30000);
    log(`${system.key} r${round}: storm ${storm.connected}/${storm.clients} in ${storm.seconds.toFixed(1)} s = ${f0(storm.connectsPerSecond)}/s, listed ${storm.listed}, ${storm.subscribes} SUBSCRIBE, ${f0(storm.rssPerConnectionBytes)} B RSS/conn${storm.heapPerConnectionBytes != null ? `, ${f0(storm.heapPerConnectionBytes)} B GC heap/conn` : ''}`);
  }
  return out;
}

/** Profile mode: join+leave (fresh rooms) on one system while dotnet-trace samples its first server. */
async function profile(system) {
  if (system.def.kind !== 'dotnet') throw new Error('--profile needs a .NET system');
  const jl = await connectMany(system, opts.jlClients, opts.connectConcurrency);
  await joinLeave(system, jl, { mode: 'fresh', seconds: 2, poolRooms: opts.poolRooms, tag: 'warm' });
  const pid = system.servers[0].pid;
  const dur = `00:00:00:${String(opts.profileSeconds).padStart(2, '0')}`;
  const tracer = spawn(opts.traceTool, ['collect', '-p', String(pid), '--profile', 'dotnet-sampled-thread-time', '--format', 'Speedscope',
    '--duration', dur, '-o', opts.traceOut], { stdio: ['ignore', 'pipe', 'pipe'] });
  let traceLog = '';
  tracer.stdout.on('data', (d) => { traceLog += d; });
  tracer.stderr.on('data', (d) => { traceLog += d; });
  const traced = new Promise((resolve) => tracer.once('exit', resolve));
  await new Promise((r) => setTimeout(r, 1500)); // the session starts
  const r = await joinLeave(system, jl, { mode: 'fresh', seconds: opts.profileSeconds + 2, poolRooms: opts.poolRooms, tag: 'prof' });
  const code = await Promise.race([traced, new Promise((res) => setTimeout(() => res('timeout'), 60000))]);
  if (code !== 0) throw new Error(`dotnet-trace exited with ${code}: ${traceLog.slice(-1000)}`);
  await closeMany(jl);
  return { system: system.key, pid, joinLeave: r, trace: opts.traceOut };
}

function installedVersion(dir, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

async function main() {
  const started = performance.now();
  const keys = opts.profile ? [opts.profile] : opts.systems;
  const systems = [];
  for (const key of keys) {
    log(`starting ${key}: ${SYSTEMS[key]?.label}`);
    systems.push(await startSystem(procs, key, { chatroomsDll: opts.chatroomsDll, maxSeconds: opts.maxSeconds + 60 }));
  }
  let result;
  if (opts.profile) {
    result = { profile: await profile(systems[0]) };
  } else {
    // One short unmeasured warm-up per system (JIT, pools, Redis scripts).
    for (const s of systems) {
      const c = await connectMany(s, Math.min(opts.jlClients, 50), opts.connectConcurrency);
      await joinLeave(s, c, { mode: 'fresh', seconds: 1, poolRooms: opts.poolRooms, tag: 'warm' });
      await closeMany(c);
      await s.settle();
    }
    const rounds = Object.fromEntries(systems.map((s) => [s.key, []]));
    for (let round = 0; round < opts.rounds; round++) {
      for (const s of systems) rounds[s.key].push(await runRound(s, round));
    }
    const socketioDir = path.resolve(__dirname, '../socketio');
    result = {
      options: { ...opts, traceTool: undefined, gcdumpTool: undefined },
      versions: {
        node: process.version,
        '@microsoft/signalr': installedVersion(__dirname, '@microsoft/signalr'),
        'socket.io-client': installedVersion(__dirname, 'socket.io-client'),
        'socket.io': installedVersion(socketioDir, 'socket.io'),
        '@socket.io/redis-adapter': installedVersion(socketioDir, '@socket.io/redis-adapter'),
      },
      systems: Object.fromEntries(systems.map((s) => [s.key, { label: s.def.label, servers: s.def.servers, client: s.def.client, rounds: rounds[s.key] }])),
    };
  }
  result.seconds = (performance.now() - started) / 1000;
  const json = JSON.stringify(result, null, 2);
  if (opts.out) fs.writeFileSync(opts.out, json);
  else console.log(json);
  for (const s of systems) if (s.redis) await s.redis.info.quit().catch(() => {});
  await procs.stopAll();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  procs.killAll();
  process.exit(1);
});
