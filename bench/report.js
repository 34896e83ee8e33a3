'use strict';
// Turns the raw results of bench/run.sh into one markdown document (docs/benchmarks.md): the targets of issue 4 with
// ratios and verdicts, then every figure. No dependencies. Can be re-run on a kept result folder:
//   node bench/report.js --in artifacts/bench/<run> --command "bench/run.sh" --out docs/benchmarks.md
// With --splice FILE, only the scale-out section (bench/scaleout, issues 11 and 12) is rebuilt from --in and put into
// FILE's text in place of the old one (bench/run.sh --only scaleout); the rest of FILE is kept as it is.
// With --history FILE (JSON), the run's key ratios are added to FILE (replacing an entry of the same date) and the
// document shows every run kept there, so the run-to-run spread on this machine is visible next to the latest run.
const fs = require('node:fs');
const path = require('node:path');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const dir = arg('in', '.');
const out = arg('out', '');
const command = arg('command', 'bench/run.sh');
const historyFile = arg('history', '');
const readJson = (name) => {
  const file = path.join(dir, name);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
};
const micro = readJson('micro.json');
const memory = readJson('memory.json');
const load = readJson('loaddriver.json');
const sio = readJson('socketio.json');
const machine = Object.fromEntries(
  (fs.existsSync(path.join(dir, 'machine.txt')) ? fs.readFileSync(path.join(dir, 'machine.txt'), 'utf8') : '')
    .split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const scaleout = require('./scaleout/report-section');
const scaleoutSection = scaleout.section(dir, machine);
const spliceFile = arg('splice', '');
if (spliceFile) {
  if (!scaleoutSection) {
    console.error(`report.js: no scaleout.json in ${dir}`);
    process.exit(1);
  }
  const doc = scaleout.splice(fs.readFileSync(spliceFile, 'utf8'), scaleoutSection);
  if (out) fs.writeFileSync(out, doc);
  else process.stdout.write(doc);
  process.exit(0);
}

// ---- formatting --------------------------------------------------------------------------------------------------
const n0 = (v) => (v == null || Number.isNaN(v) ? 'n/a' : Math.round(v).toLocaleString('en-US'));
const ms = (v) => (v == null ? 'n/a' : v < 1 ? `${v.toFixed(3)} ms` : v < 100 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`);
const ratio = (v) => (v == null || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(2)}×`);
const bytes = (v) => (v == null ? 'n/a' : `${v.toFixed(0)} B`);
const time = (ns) => (ns == null ? 'n/a' : ns < 1e3 ? `${ns.toFixed(0)} ns` : ns < 1e6 ? `${(ns / 1e3).toFixed(1)} µs` : `${(ns / 1e6).toFixed(2)} ms`);
const us = (v) => (v == null ? 'n/a' : `${v.toFixed(1)} µs`);
const avg = (xs, key) => (xs && xs.length && xs.every((x) => x[key] != null) ? xs.reduce((a, x) => a + x[key], 0) / xs.length : null);
// "0.95–1.03": the smallest and largest of the adjacent-pair ratios.
const range = (xs) => (xs && xs.length ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : 'n/a');
// The facade/raw ratio with its pair range, and the A/A control's ratio with its pair range, for one layout.
const withControl = (b, cpu) => {
  if (!b) return 'n/a';
  const c = b.control;
  const own = `pairs ${range(cpu ? b.pairRatiosPerCpu : b.pairRatios)}`;
  const aa = c ? `; A/A control ${ratio(cpu ? (c.medianPairRatioPerServerCpu ?? c.medianPairRatioPerCpu) : c.medianPairRatio)} (pairs ${range(cpu ? c.pairRatiosPerCpu : c.pairRatios)})` : '';
  return `${own}${aa}`;
};
const verdict = (ok) => (ok == null ? 'n/a' : ok ? 'met' : '**missed**');
const table = (header, rows) => [
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');

const topo = (name) => load?.topologies?.find((t) => t.name === name) ?? null;
const single = topo('single');
const redis2 = topo('redis2');
const proc = topo('redis2-proc');
const query = (t, q) => t?.queries?.find((x) => x.query === q) ?? null;

// ---- the figures the targets are judged on ------------------------------------------------------------------------
const t = {};
// 1. Emit through the facade vs raw SignalR groups (adjacent facade/raw runs, median of the pair ratios).
t.emitCpu2 = redis2?.broadcast?.medianPairRatioPerCpu;
t.emitWall2 = redis2?.broadcast?.medianPairRatio;
t.emitCpu1 = single?.broadcast?.medianPairRatioPerCpu;
t.emitWall1 = single?.broadcast?.medianPairRatio;
// 2. Redis index join+leave vs redis-benchmark SADD at the same concurrency (alternating rounds, median round ratio).
const jls = redis2?.joinLeaveStore;
t.indexVsSadd = jls?.medianRoundRatio;
t.e2eVsSadd = redis2?.joinLeaveEndToEnd?.facade && jls ? redis2.joinLeaveEndToEnd.facade.opsPerSecond / jls.redisBenchmarkSaddMean : null;
// 3. clients(room) across two servers vs fetchSockets across two nodes, p50.
const ourClients = query(redis2, 'GetClients');
const ourRooms = query(redis2, 'GetRoomCount');
t.clientsP50 = ourClients && sio ? sio.clientsQuery.client.p50Ms / ourClients.client.p50Ms : null;
t.clientsServerP50 = ourClients && sio ? sio.clientsQuery.server.p50Ms / ourClients.server.p50Ms : null;
t.roomsP50 = ourRooms && sio ? sio.allRoomsQuery.client.p50Ms / ourRooms.client.p50Ms : null;
// 4. Room broadcast, two servers + Redis, facade vs Socket.IO + redis adapter.
const fb = redis2?.broadcast?.facade;
const sb = sio?.broadcast?.summary;
t.bcastWall = fb && sb ? fb.deliveredPerSecond / sb.deliveredPerSecond : null;
t.bcastCpu = fb && sb ? fb.deliveredPerCpuSecond / sb.deliveredPerCpuSecond : null;
const rawRedis = (m) => micro?.find((r) => r.type === 'RawRedisBenchmarks' && r.method === m) ?? null;
const storeMicro = (method, store, key, value) => micro?.find((r) => r.method === method && r.parameters.Store === store && r.parameters[key] === value) ?? null;
// 1'. The facade's own cost per emit (BenchmarkDotNet, no delivery) in proportion to scenario 3's CPU per message.
const emitRow = (m) => micro?.find((r) => r.type === 'EmitBenchmarks' && r.method === m) ?? null;
const rawEmit = emitRow('RawGroupSend');
const facadeEmit = emitRow('FacadeEmit');
t.emitOverheadNs = rawEmit && facadeEmit ? facadeEmit.meanNs - rawEmit.meanNs : null;
const membersPerRoom = load ? load.options.clients / load.options.rooms : 10;
// CPU nanoseconds per broadcast message (one emit, delivered to every member) in the two-server raw-groups runs.
t.cpuNsPerMessage = redis2?.broadcast?.raw ? (1e9 * membersPerRoom) / redis2.broadcast.raw.deliveredPerCpuSecond : null;
t.emitImplied = t.emitOverheadNs != null && t.cpuNsPerMessage ? t.cpuNsPerMessage / (t.cpuNsPerMessage + Math.max(0, t.emitOverheadNs)) : null;
// 4'. Servers in processes of their own (like the Socket.IO nodes): server-side CPU only.
const fp = proc?.broadcast?.facade;
t.bcastProcWall = fp && sb ? fp.deliveredPerSecond / sb.deliveredPerSecond : null;
t.bcastProcServerCpu = fp?.deliveredPerServerCpuSecond && sb?.deliveredPerServerCpuSecond ? fp.deliveredPerServerCpuSecond / sb.deliveredPerServerCpuSecond : null;
t.emitProcServerCpu = proc?.broadcast?.medianPairRatioPerServerCpu;
t.emitProcWall = proc?.broadcast?.medianPairRatio;
// 5. Memory per membership.
const mem = memory;

const targets = [
  ['Emit through the facade ≥ 0.97× raw SignalR groups — two servers + Redis, delivered msg per CPU-second', '≥ 0.97×',
    `${n0(fb?.deliveredPerCpuSecond)} vs ${n0(redis2?.broadcast?.raw?.deliveredPerCpuSecond)} /CPU-s; ${withControl(redis2?.broadcast, true)}`, ratio(t.emitCpu2), verdict(t.emitCpu2 == null ? null : t.emitCpu2 >= 0.97)],
  ['… same, delivered msg/s (wall clock)', '≥ 0.97×',
    `${n0(fb?.deliveredPerSecond)} vs ${n0(redis2?.broadcast?.raw?.deliveredPerSecond)} /s; ${withControl(redis2?.broadcast, false)}`, ratio(t.emitWall2), verdict(t.emitWall2 == null ? null : t.emitWall2 >= 0.97)],
  ['… the facade\'s own cost per emit, delivery taken out (BenchmarkDotNet), set against the CPU one broadcast message costs in scenario 3', '≥ 0.97×',
    `${time(facadeEmit?.meanNs)} vs ${time(rawEmit?.meanNs)} per emit (+${time(t.emitOverheadNs)}); ${time(t.cpuNsPerMessage)} CPU per message`, ratio(t.emitImplied), verdict(t.emitImplied == null ? null : t.emitImplied >= 0.97)],
  ['… two servers in processes of their own, delivered msg per CPU-second of the servers + Redis', '≥ 0.97×',
    `${n0(fp?.deliveredPerServerCpuSecond)} vs ${n0(proc?.broadcast?.raw?.deliveredPerServerCpuSecond)} /server-CPU-s; ${withControl(proc?.broadcast, true)}`, ratio(t.emitProcServerCpu), verdict(t.emitProcServerCpu == null ? null : t.emitProcServerCpu >= 0.97)],
  ['… two servers in processes of their own, delivered msg/s (wall clock)', '≥ 0.97×',
    `${n0(fp?.deliveredPerSecond)} vs ${n0(proc?.broadcast?.raw?.deliveredPerSecond)} /s; ${withControl(proc?.broadcast, false)}`, ratio(t.emitProcWall), verdict(t.emitProcWall == null ? null : t.emitProcWall >= 0.97)],
  ['… one server (in-memory index), delivered msg per CPU-second', '≥ 0.97×',
    `${n0(single?.broadcast?.facade?.deliveredPerCpuSecond)} vs ${n0(single?.broadcast?.raw?.deliveredPerCpuSecond)} /CPU-s; ${withControl(single?.broadcast, true)}`, ratio(t.emitCpu1), verdict(t.emitCpu1 == null ? null : t.emitCpu1 >= 0.97)],
  ['… one server, delivered msg/s (wall clock)', '≥ 0.97×',
    `${n0(single?.broadcast?.facade?.deliveredPerSecond)} vs ${n0(single?.broadcast?.raw?.deliveredPerSecond)} /s; ${withControl(single?.broadcast, false)}`, ratio(t.emitWall1), verdict(t.emitWall1 == null ? null : t.emitWall1 >= 0.97)],
  [`Redis index join+leave ≥ 0.5× \`redis-benchmark -t sadd\` at equal concurrency (${jls?.total?.concurrency ?? '?'})`, '≥ 0.5×',
    `${n0(jls?.total?.opsPerSecond)} vs ${n0(jls?.redisBenchmarkSaddMean)} ops/s`, ratio(t.indexVsSadd), verdict(t.indexVsSadd == null ? null : t.indexVsSadd >= 0.5)],
  ['… end to end (hub Join/Leave through SignalR + its Redis backplane + the index), for reference', '(not the target\'s measure)',
    `${n0(redis2?.joinLeaveEndToEnd?.facade?.opsPerSecond)} vs ${n0(jls?.redisBenchmarkSaddMean)} ops/s`, ratio(t.e2eVsSadd), '—'],
  ['`clients(room)` across two servers ≥ 10× faster (p50) than Socket.IO `fetchSockets()` across two nodes — as the client sees it', '≥ 10×',
    `${ms(ourClients?.client?.p50Ms)} vs ${ms(sio?.clientsQuery?.client?.p50Ms)}`, ratio(t.clientsP50), verdict(t.clientsP50 == null ? null : t.clientsP50 >= 10)],
  ['… the query alone, timed inside the server', '≥ 10×',
    `${ms(ourClients?.server?.p50Ms)} vs ${ms(sio?.clientsQuery?.server?.p50Ms)}`, ratio(t.clientsServerP50), verdict(t.clientsServerP50 == null ? null : t.clientsServerP50 >= 10)],
  ['Room broadcast delivered msg/s ≥ 1.5× Socket.IO + Redis adapter (two servers/nodes, 1,000 clients, 100 rooms) — wall clock', '≥ 1.5×',
    `${n0(fb?.deliveredPerSecond)} vs ${n0(sb?.deliveredPerSecond)} /s`, ratio(t.bcastWall), verdict(t.bcastWall == null ? null : t.bcastWall >= 1.5)],
  ['… per CPU-second of the whole system (clients, servers, Redis)', '≥ 1.5×',
    `${n0(fb?.deliveredPerCpuSecond)} vs ${n0(sb?.deliveredPerCpuSecond)} /CPU-s`, ratio(t.bcastCpu), verdict(t.bcastCpu == null ? null : t.bcastCpu >= 1.5)],
  ['… .NET servers in processes of their own (the Socket.IO layout: clients in one process, each server in its own) — wall clock', '≥ 1.5×',
    `${n0(fp?.deliveredPerSecond)} vs ${n0(sb?.deliveredPerSecond)} /s`, ratio(t.bcastProcWall), verdict(t.bcastProcWall == null ? null : t.bcastProcWall >= 1.5)],
  ['… same layout, per CPU-second of the server side only (both servers + Redis)', '≥ 1.5×',
    `${n0(fp?.deliveredPerServerCpuSecond)} vs ${n0(sb?.deliveredPerServerCpuSecond)} /server-CPU-s`, ratio(t.bcastProcServerCpu), verdict(t.bcastProcServerCpu == null ? null : t.bcastProcServerCpu >= 1.5)],
  ['≤ 200 bytes per membership in memory (join delta)', '≤ 200 B', bytes(mem?.inMemory?.bytesPerMembership),
    ratio(mem ? mem.inMemory.bytesPerMembership / 200 : null) + ' of the budget', verdict(mem ? mem.inMemory.bytesPerMembership <= 200 : null)],
  ['… all-in (the connection\'s own registration spread over its 10 rooms)', '≤ 200 B', bytes(mem?.inMemory?.bytesPerMembershipAllIn),
    ratio(mem ? mem.inMemory.bytesPerMembershipAllIn / 200 : null) + ' of the budget', verdict(mem ? mem.inMemory.bytesPerMembershipAllIn <= 200 : null)],
  ['≤ 150 bytes per membership in Redis (`INFO memory` used_memory, join delta)', '≤ 150 B', bytes(mem?.redis?.bytesPerMembership),
    ratio(mem ? mem.redis.bytesPerMembership / 150 : null) + ' of the budget', verdict(mem ? mem.redis.bytesPerMembership <= 150 : null)],
  ['… all-in (the connection\'s own registration spread over its 10 rooms)', '≤ 150 B', bytes(mem?.redis?.bytesPerMembershipAllIn),
    ratio(mem ? mem.redis.bytesPerMembershipAllIn / 150 : null) + ' of the budget', verdict(mem ? mem.redis.bytesPerMembershipAllIn <= 150 : null)],
];

// ---- detail tables -------------------------------------------------------------------------------------------------
const microTable = () => {
  if (!micro) return '_Not run (quick mode)._';
  const label = (r) => {
    const p = r.parameters;
    if (r.method === 'GetMembers') return `clients(room): GetMembersAsync, room of ${n0(Number(p.Members))}`;
    if (r.method === 'GetRooms') return 'manager.rooms: GetRoomsAsync, 10,000 rooms of 1 + catch-all of 10,000';
    const what = { Join: 'join', Leave: 'leave', Disconnect: 'disconnect' }[r.method] ?? r.method;
    return `${what}, ${p.RoomsPerConnection} room(s) per connection`;
  };
  const keyed = new Map();
  for (const r of micro.filter((x) => x.type !== 'EmitBenchmarks' && x.type !== 'RawRedisBenchmarks')) {
    const key = label(r);
    if (!keyed.has(key)) keyed.set(key, {});
    keyed.get(key)[r.parameters.Store] = r;
  }
  const rows = [...keyed.entries()].map(([key, v]) => [
    key,
    time(v.InMemory?.meanNs), v.InMemory?.allocatedBytesPerOp == null ? 'n/a' : `${n0(v.InMemory.allocatedBytesPerOp)} B`,
    time(v.Redis?.meanNs), v.Redis?.allocatedBytesPerOp == null ? 'n/a' : `${n0(v.Redis.allocatedBytesPerOp)} B`,
  ]);
  const emit = micro.filter((x) => x.type === 'EmitBenchmarks').map((r) => [
    r.method === 'FacadeEmit' ? 'facade: `rooms.Sockets.In(room).EmitAsync("m", 1, 2L)`' : 'raw: `hubContext.Clients.Group(room).SendAsync("m", 1, 2L)`',
    time(r.meanNs), r.allocatedBytesPerOp == null ? 'n/a' : `${n0(r.allocatedBytesPerOp)} B`,
  ]);
  const rawNames = {
    Ping: '`PING`: one round trip, no work',
    SAdd: '`SADD` of an existing member',
    SMembers10: '`SMEMBERS` of a 10-member set (floor of clients(room) for 10)',
    EvalJoinLeave: 'the index\'s Join / Leave Lua scripts via `ScriptEvaluateAsync` (floor of join / leave)',
  };
  const raw = micro.filter((x) => x.type === 'RawRedisBenchmarks').map((r) => [
    rawNames[r.method] ?? r.method, time(r.meanNs), r.allocatedBytesPerOp == null ? 'n/a' : `${n0(r.allocatedBytesPerOp)} B`,
  ]);
  return [
    table(['Operation (one call, sequential)', 'In-memory: mean', 'alloc/op', 'Redis: mean', 'alloc/op'], rows),
    '',
    'The floor under the Redis column: the same round trips made directly with StackExchange.Redis, same redis-server.',
    '',
    table(['Bare StackExchange.Redis call (sequential)', 'Mean', 'alloc/op'], raw),
    '',
    'Emit path with delivery taken out (a no-op `HubLifetimeManager`): what the facade adds per emit.',
    '',
    table(['Emit (no delivery)', 'Mean', 'alloc/op'], emit),
  ].join('\n');
};

const throughputRows = (t, label) => {
  const e = t?.joinLeaveEndToEnd;
  if (!e) return [];
  return [
    [`${label}: facade hub Join/Leave`, n0(e.facade?.opsPerSecond), `${e.facade?.concurrency} clients, ${e.rounds.filter((r) => r.implementation === 'facade').length} runs, ${e.facade?.errors} errors`],
    [`${label}: raw groups hub Join/Leave`, n0(e.raw?.opsPerSecond), `${e.raw?.concurrency} clients, ${e.rounds.filter((r) => r.implementation === 'raw').length} runs, ${e.raw?.errors} errors`],
    [`${label}: facade / raw (median of adjacent pairs)`, ratio(e.medianPairRatio), ''],
  ];
};

const s1 = [
  ...(jls ? [
    ['Redis index alone (store API AddToRoomAsync + RemoveFromRoomAsync), two servers\' stores', n0(jls.total.opsPerSecond),
      `concurrency ${jls.total.concurrency}; runs: ${jls.rounds.map((r) => n0(r.opsPerSecond)).join(', ')}; CPU per op: redis-server ${us(avg(jls.rounds, 'redisCpuMicrosecondsPerOp'))}, .NET process ${us(avg(jls.rounds, 'clientCpuMicrosecondsPerOp'))}`],
    [`\`redis-benchmark -t sadd -c ${jls.total.concurrency} -r 1000000\`, same redis-server`, n0(jls.redisBenchmarkSaddMean),
      `runs: ${jls.redisBenchmarkSadd.map((r) => n0(r.opsPerSecond)).join(', ')}; CPU per op: redis-server ${us(avg(jls.redisBenchmarkSadd, 'redisCpuMicrosecondsPerOp'))}, redis-benchmark ${us(avg(jls.redisBenchmarkSadd, 'clientCpuMicrosecondsPerOp'))}`],
    ['index / SADD (median of alternating rounds)', ratio(jls.medianRoundRatio), ''],
  ] : []),
  ...throughputRows(single, 'one server'),
  ...throughputRows(redis2, 'two servers + Redis'),
];

const s2 = [];
for (const [tp, label] of [[single, 'RoomFacade, one server (in-memory index)'], [redis2, 'RoomFacade, two servers (Redis index)']]) {
  for (const [q, what] of [['GetClients', 'clients(room): `io.sockets.clients(room)`'], ['GetRoomCount', 'manager.rooms: `Manager.GetRoomsAsync()` (rooms with members)']]) {
    const x = query(tp, q);
    if (x) s2.push([label, what, ms(x.client.p50Ms), ms(x.client.p99Ms), ms(x.server.p50Ms), ms(x.server.p99Ms), n0(x.found)]);
  }
}
if (sio) {
  s2.push(['Socket.IO, two nodes (redis adapter)', 'clients(room): `io.in(room).fetchSockets()`', ms(sio.clientsQuery.client.p50Ms), ms(sio.clientsQuery.client.p99Ms), ms(sio.clientsQuery.server.p50Ms), ms(sio.clientsQuery.server.p99Ms), n0(sio.clientsQuery.found)]);
  s2.push(['Socket.IO, two nodes (redis adapter)', 'manager.rooms: `adapter.allRooms()` (names only)', ms(sio.allRoomsQuery.client.p50Ms), ms(sio.allRoomsQuery.client.p99Ms), ms(sio.allRoomsQuery.server.p50Ms), ms(sio.allRoomsQuery.server.p99Ms), n0(sio.allRoomsQuery.found)]);
}

// Cores the system under test kept busy during the window: delivered/s divided by delivered per CPU-second.
const cores = (b) => (b?.deliveredPerSecond && b?.deliveredPerCpuSecond ? (b.deliveredPerSecond / b.deliveredPerCpuSecond).toFixed(2) : 'n/a');
const s3 = [];
for (const [tp, label] of [[single, 'one server (in-process)'], [redis2, 'two servers + Redis backplane (in-process)'], [proc, 'two servers + Redis backplane, each server a process']]) {
  for (const impl of ['facade', 'raw']) {
    const b = tp?.broadcast?.[impl];
    if (b) s3.push([`SignalR ${impl === 'facade' ? 'via RoomFacade `Sockets.In(room).EmitAsync`' : 'raw `Clients.Group(room).SendAsync`'}, ${label}`, n0(b.deliveredPerSecond), n0(b.medianDeliveredPerSecond), n0(b.deliveredPerCpuSecond), b.deliveredPerServerCpuSecond == null ? '—' : n0(b.deliveredPerServerCpuSecond), cores(b), ms(b.latency.p50Ms), ms(b.latency.p99Ms), String(b.rounds)]);
  }
}
if (sb) s3.push(['Socket.IO `io.to(room).emit`, two nodes + redis adapter, each node a process', n0(sb.deliveredPerSecond), n0(sb.medianDeliveredPerSecond), n0(sb.deliveredPerCpuSecond), n0(sb.deliveredPerServerCpuSecond), cores(sb), ms(sb.latency.p50Ms), ms(sb.latency.p99Ms), String(sb.rounds)]);

const s4 = mem ? [
  ['RoomFacade in-memory store (GC heap)', bytes(mem.inMemory.bytesPerMembership), bytes(mem.inMemory.bytesPerMembershipAllIn), bytes(mem.inMemory.bytesPerConnection)],
  ['RoomFacade Redis store: redis-server `used_memory`', bytes(mem.redis.bytesPerMembership), bytes(mem.redis.bytesPerMembershipAllIn), bytes(mem.redis.bytesPerConnection)],
  ['RoomFacade Redis store: its local truth on each server (GC heap)', bytes(mem.redis.localHeap?.bytesPerMembership), bytes(mem.redis.localHeap?.bytesPerMembershipAllIn), bytes(mem.redis.localHeap?.bytesPerConnection)],
  ['Floor: the same two-way index as bare Redis sets (`SADD c:{id} room`, `SADD r:{room} id`)', bytes(mem.rawRedisSets.bytesPerMembership), bytes(mem.rawRedisSets.bytesPerMembershipAllIn), bytes(mem.rawRedisSets.bytesPerConnection)],
] : [];

// ---- document ------------------------------------------------------------------------------------------------------
const lines = [];
const p = (...xs) => lines.push(...xs, '');
p('# Benchmarks');
p('RoomFacade measured side by side with raw SignalR groups, raw Redis (`redis-benchmark`) and Socket.IO 4.8 with',
  '`@socket.io/redis-adapter`, on one machine, in one run. The machine is shared and noisy: **read the ratios**, not the',
  'absolute numbers. Each ratio compares figures taken in the same run; facade/raw and index/SADD alternate run by run',
  '(A B B A …) and the median of the adjacent-pair ratios is reported. Throughput is also given per CPU-second of the',
  'whole system under test (every process of it, Redis included), which other tenants\' load disturbs far less than',
  'wall-clock rates.');
p('This file is written by `bench/run.sh` (generator: `bench/report.js`); how the benchmarks work is in',
  '[`bench/README.md`](../bench/README.md). The section "Scale-out and Socket.IO endpoint (issues 11 and 12)" comes from',
  'part 4 (`bench/scaleout`), which `bench/run.sh --only scaleout` also runs alone; it carries its own run details.');
p('## Run');
p(table(['', ''], [
  ['Command', `\`${command.trim()}\` (from the repository root)`],
  ['Date (UTC)', machine.date_utc ?? 'n/a'],
  ['CPU', `${machine.cpu_model ?? 'n/a'}, \`nproc\` = ${machine.nproc ?? 'n/a'}`],
  ['Memory (`free -h`)', machine.memory ?? 'n/a'],
  ['OS', machine.kernel ?? 'n/a'],
  ['.NET SDK / runtime', `${machine.dotnet ?? 'n/a'} / ${load?.dotnet ?? 'n/a'} (server GC: ${load?.serverGc ?? 'n/a'})`],
  ['Node.js', machine.node ?? 'n/a'],
  ['Redis', machine.redis ?? 'n/a'],
  ['Socket.IO packages', sio ? Object.entries(sio.versions).filter(([k]) => k !== 'node').map(([k, v]) => `${k} ${v}`).join(', ') : 'n/a'],
  ['Load average (1/5/15 min) at start → end', `${machine.loadavg_start ?? '?'} → ${machine.loadavg_end ?? '?'} (2 cores: anything above 2 is other tenants queueing for CPU)`],
  ['Total duration', machine.duration_seconds ? `${machine.duration_seconds} s` : 'n/a'],
]));
p('## Targets (issue 4)');
p(table(['Target', 'Bound', 'RoomFacade vs comparison', 'Ratio', 'Verdict'], targets));
if (historyFile) {
  // The key ratios of this run, kept with those of earlier full runs.
  const entry = {
    date: machine.date_utc ?? 'n/a', commit: machine.commit ?? 'n/a',
    load: `${machine.loadavg_start ?? '?'} → ${machine.loadavg_end ?? '?'}`,
    emitCpu2: t.emitCpu2 ?? null, emitProcServerCpu: t.emitProcServerCpu ?? null, emitCpu1: t.emitCpu1 ?? null,
    indexVsSadd: t.indexVsSadd ?? null, clientsP50: t.clientsP50 ?? null,
    bcastProcWall: t.bcastProcWall ?? null, bcastProcServerCpu: t.bcastProcServerCpu ?? null,
    redisAllIn: mem?.redis?.bytesPerMembershipAllIn ?? null,
  };
  const history = (fs.existsSync(historyFile) ? JSON.parse(fs.readFileSync(historyFile, 'utf8')) : [])
    .filter((h) => h.date !== entry.date);
  history.push(entry);
  history.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  fs.writeFileSync(historyFile, `${JSON.stringify(history, null, 2)}\n`);
  p('## Run to run');
  p('The key ratios of every full run kept in `docs/benchmark-history.json` (this run is the last row; the commit is the',
    'code measured). The same code measured twice shows what the machine\'s noise alone does to a ratio: read a single',
    'run\'s emit and broadcast verdicts against this spread.');
  const r = (v) => (v == null ? 'n/a' : `${v.toFixed(2)}×`);
  p(table(['Date (UTC)', 'Commit', 'Load avg start → end', 'Emit/raw, 2 servers, per CPU-s', 'Emit/raw, server processes, per server-CPU-s', 'Emit/raw, 1 server, per CPU-s', 'Index/SADD', 'clients(room) vs fetchSockets p50', 'Broadcast vs Socket.IO, server processes (wall)', '… per server-CPU-s', 'Redis B/membership all-in'],
    history.map((h) => [h.date, `\`${h.commit}\``, h.load, r(h.emitCpu2), r(h.emitProcServerCpu), r(h.emitCpu1), r(h.indexVsSadd), r(h.clientsP50), r(h.bcastProcWall), r(h.bcastProcServerCpu), h.redisAllIn == null ? 'n/a' : `${h.redisAllIn.toFixed(0)} B`])));
}
p('## What bounds the figures, and what the misses mean');
p(...analysis());
p('## For the library owners: what was slow, what changed, what remains');
p(...ownerNotes());
if (scaleoutSection) p(scaleoutSection);
p('## Scenario 1 — join + leave throughput');
p('A join and a leave count as two operations. The index alone: 50 workers, each with a registered connection, join',
  'and leave rooms from a pool of 1,000 through `IRoomMembershipStore` (the Lua scripts, one round trip each), spread',
  'over the two servers\' stores; `redis-benchmark` runs between them against the same redis-server with the same',
  'number of connections. End to end: 50 SignalR clients invoke the hub methods `Join(room)` then `Leave(room)`.');
p(table(['What', 'ops/s', 'Notes'], s1));
p('## Scenario 2 — clients(room) and manager.rooms latency across servers');
p('1,000 clients in 100 rooms of 10, every room with members on both servers (nodes). One client of the first server',
  'asks 500 times in a row (after 50 warm-up calls) for a room\'s members, then for the room list. "Client" is the round',
  'trip the asking client sees (a hub invocation / an acknowledged emit); "server" is the query alone, timed inside the',
  'server. Each answer carries only a count, so payload size does not weigh in.');
p(table(['Implementation', 'Query', 'Client p50', 'Client p99', 'Server p50', 'Server p99', 'Found'], s2));
p('## Scenario 3 — room broadcast');
p('1,000 clients in 100 rooms of 10 (members alternate between the servers). One sender per room keeps 2 messages in',
  'flight (it sends the next when it receives its own back), so the system runs at saturation without unbounded queues;',
  'every member receives every message of its room. Messages carry the send timestamp; latency is receive time minus',
  'send time on one clock (all clients are in one process). Each run: 1.5 s warm-up, 4 s measured, 1.5 s drain.',
  'SignalR: the facade hub and the raw-groups hub are served by the same servers, with 1,000 clients each, runs',
  'alternating, after one unmeasured warm-up run of each; then the same rounds again with the raw-groups population',
  'against a third, identical raw-groups population in rooms of its own (the A/A control, 1,000 more clients). CPU-second = CPU time of the whole system under test during',
  'the measured window: the .NET process(es) (clients and servers) + redis-server, or the Node driver (clients) + both',
  'Node servers + redis-server. Server-CPU-second = the servers and redis-server only, known where each server runs in',
  'a process of its own: the Socket.IO nodes, and the .NET servers in the third layout (`RoomFacade.LoadDriver serve`,',
  'started by the driver; the same app as in-process).');
p(table(['Implementation', 'Delivered msg/s', 'Median run', 'Delivered per CPU-s (all)', 'Delivered per server-CPU-s', 'Cores busy (of 2)', 'Latency p50', 'Latency p99', 'Runs'], s3));
p('## Scenario 4 — memory per membership');
p(mem
  ? `${n0(mem.connections)} connections each join ${mem.roomsPerConnection} rooms out of ${n0(mem.roomPool)} (rooms of ${n0(mem.connections * mem.roomsPerConnection / mem.roomPool)}): ${n0(mem.memberships)} memberships. Connection ids (22 characters, like SignalR's) and room names exist before the first measurement (SignalR and the application own those strings). "Join delta" = memory after the joins minus memory after registering the connections, per membership; "all-in" = memory after the joins minus memory before registering, per membership; "per connection" = the registration alone (the catch-all room included). Redis ${mem.redisVersion}.`
  : '_Not measured._');
if (mem) p(table(['Store', 'Per membership (join delta)', 'Per membership, all-in', 'Per connection'], s4));
p('## Micro-benchmarks (BenchmarkDotNet)');
p('In-process toolchain. join/leave: batches of 10,000 sequential calls on a fresh store per iteration (1 warm-up, 5',
  'measured), connections holding 1, 10 or 100 rooms; disconnect: 500 connections per iteration. Queries: 2 warm-up and 5',
  'measured iterations. Redis: the benchmark process\'s own redis-server on a loopback port; each call is one round trip.');
p(microTable());
const markdown = lines.join('\n').replace(/\n{3,}/g, '\n\n');
if (out) fs.writeFileSync(out, markdown);
process.stdout.write(out ? '' : markdown);

function ownerNotes() {
  // What the previous run (docs/benchmarks.md of commit 385cd17, same machine, `bench/run.sh`) measured before the
  // changes listed here; kept as fixed text so the before/after stays readable.
  const before = {
    joinAlloc: 2266, evalAlloc: 754, clientCpuUs: 14.5, redisCpuUs: 6.2, indexVsSadd: 1.02,
    roomsMs: 21.37, roomsKb: 9000, perConnection: 598, allIn: 205,
  };
  const a = [];
  const join = storeMicro('Join', 'Redis', 'RoomsPerConnection', '10');
  const evalFloor = rawRedis('EvalJoinLeave');
  if (jls || join) {
    a.push('- **The Redis store\'s own CPU and allocations per join/leave — profiled and reduced.**' +
      (join && evalFloor ? ` Per call the store now allocates ${n0(join.allocatedBytesPerOp)} B against ${n0(evalFloor.allocatedBytesPerOp)} B for the same script sent straight through StackExchange.Redis (before: ${n0(before.joinAlloc)} B against ${n0(before.evalAlloc)} B).` : '') +
      (jls ? ` At concurrency ${jls.total.concurrency} the .NET process spends ${us(avg(jls.rounds, 'clientCpuMicrosecondsPerOp'))} of CPU per index operation and redis-server ${us(avg(jls.rounds, 'redisCpuMicrosecondsPerOp'))} (before: ${before.clientCpuUs} µs and ${before.redisCpuUs} µs; index/SADD ${before.indexVsSadd}×).` : '') +
      ' What was measured and removed (BenchmarkDotNet `MemoryDiagnoser`, `--filter *MembershipBenchmarks* *RawRedis*`):' +
      ' a closure and a delegate per call, three async state machines (store → RunAsync → script helper), a' +
      ' `Task.WaitAsync(timeout)` timer per call, four key strings concatenated per call, and an HGET of the owner in the' +
      ' join/leave scripts whose answer nobody read (an array reply instead of an integer). Now: state passed to static' +
      ' delegates, one state machine besides the caller\'s, no timer when the multiplexer is the index\'s own (its' +
      ' `AsyncTimeout` is `OperationTimeout`, so StackExchange.Redis bounds the command; with an application\'s' +
      ' multiplexer the index still bounds each wait itself — a test pauses Redis with `CLIENT PAUSE` and checks both),' +
      ' the namespace\'s and the connection\'s keys built once, and an integer reply. What is left over the bare call is' +
      ' the key and argument arrays, the room\'s key string and the two state machines. Scripts stay strings on purpose:' +
      ' StackExchange.Redis sends them as EVALSHA after the first call and falls back to EVAL by itself when Redis has' +
      ' lost its script cache (a restart: the restart-empty fault test covers it), which a `LoadedLuaScript` would not.');
  }
  const roomsRedis = micro?.find((r) => r.method === 'GetRooms' && r.parameters.Store === 'Redis');
  const roomsMem = micro?.find((r) => r.method === 'GetRooms' && r.parameters.Store === 'InMemory');
  if (roomsRedis) {
    a.push(`- **\`GetRoomsAsync\` (manager.rooms) on Redis with 10,000 rooms: ${time(roomsRedis.meanNs)}, ${n0(roomsRedis.allocatedBytesPerOp / 1024)} KB allocated per call** (in memory: ${time(roomsMem?.meanNs)}; before: ${before.roomsMs} ms, ${n0(before.roomsKb)} KB).` +
      ' One SMEMBERS for the room list, then one SMEMBERS per room, all pipelined on one socket (not a round trip each).' +
      ' A Lua script returning the members of 250 rooms per call was tried and measured against it on a redis-server' +
      ' holding 10,000 rooms of 10 (`INFO commandstats`): 40 script calls cost Redis 34.4 ms of CPU, 10,000 pipelined' +
      ' SMEMBERS 8.8 ms (0.88 µs each) — building Lua tables of every member is what a script adds, and a long script' +
      ' also makes every other client wait. So the pipeline stays; what bounds the figure is Redis\'s own work per room' +
      ' plus materialising every member id as a .NET string (100,000 of them here, most of the allocation). The two steps' +
      ' are not one snapshot (a room can empty between them; empty answers are skipped). Paging for very large namespaces' +
      ' is not offered: the Socket.IO API returns everything.');
  }
  if (mem) {
    a.push(`- **Redis bytes per connection: ${bytes(mem.redis.bytesPerConnection)}** (before: ${before.perConnection} B; bare two-set floor: ${bytes(mem.rawRedisSets.bytesPerConnection)}).` +
      ' The namespace\'s owner hash (connection → server) is gone: the global connection hash now holds the server and the' +
      ' namespace in one value, so any server finds both in one HGET (which also saves a round trip on every join, leave,' +
      ' attribute change or disconnect of a connection another server holds), and the default server id is shorter' +
      ' (machine name + 12 hex digits). What stays over the floor: the connection\'s entry in its server\'s set (so that a' +
      ' sweep of a crashed server touches only that server\'s connections), its entry in the global connection hash' +
      ' (so that any server can find it), and key names that carry the prefix and the namespace\'s hash tag.' +
      ` All-in per membership: ${bytes(mem.redis.bytesPerMembershipAllIn)} (before: ${before.allIn} B) against a floor of ${bytes(mem.rawRedisSets.bytesPerMembershipAllIn)} for the bare two sets —` +
      ' the 150 B all-in budget is below what two Redis 7.0 sets cost for connections that hold 10 rooms, so it cannot be' +
      ' met by this layout; Redis 7.2+ (listpack sets) or fewer, larger memberships per connection would.');
  }
  const disc = storeMicro('Disconnect', 'Redis', 'RoomsPerConnection', '100');
  if (disc) {
    a.push(`- **Disconnect with 100 rooms on Redis: ${time(disc.meanNs)} and ${n0(disc.allocatedBytesPerOp)} B per disconnect** (the Sync script receives every room key, built per call). Not a problem at these sizes; left alone, noted for connections that hold thousands of rooms.`);
  }
  a.push('- **Join and leave are two sequential round trips end to end** (the SignalR group change, then the index script),' +
    ' by design (lock-step: the index never lists a connection SignalR would not deliver to). With the Redis backplane' +
    ' the group change itself is the bigger cost (see scenario 1), so this is not where to optimise first.');
  return a;
}

function analysis() {
  const a = [];
  const f = (v) => (v == null ? 'n/a' : v.toFixed(2));
  // 1. Emit.
  a.push(`- **Emit through the facade vs raw groups.** Per CPU-second: ${f(t.emitCpu2)}× with two in-process servers, ${f(t.emitProcServerCpu)}× for the servers' own CPU when they run as processes, ${f(t.emitCpu1)}× on one server; wall clock ${f(t.emitWall2)}×, ${f(t.emitProcWall)}×, ${f(t.emitWall1)}×.` +
    ' `Sockets.In(room).EmitAsync` resolves to `Clients.Group(room).SendCoreAsync` with no index look-up; what it adds' +
    ` is two small objects (a \`RoomNamespace\` and a \`BroadcastOperator\`) and a room-name check: ${time(t.emitOverheadNs)} and` +
    ` ${n0(facadeEmit && rawEmit ? facadeEmit.allocatedBytesPerOp - rawEmit.allocatedBytesPerOp : null)} B per emit in the micro-benchmark, against ${time(t.cpuNsPerMessage)} of CPU per broadcast` +
    ' message end to end — about one part in ten thousand, far below what these end-to-end runs can resolve. To show' +
    ' what they can resolve, every layout also runs an A/A control in the same run: the raw-groups population against' +
    ' a second, identical raw-groups population, same rounds. Its ratio (in the table, with the smallest and largest' +
    ' pair ratios) is the noise floor: a facade/raw ratio inside the control\'s spread is no measurable difference, one' +
    ' outside it would be. In trials the in-process whole-system figures also moved by a few per cent with the order in' +
    ' which the client populations connected (they share one process with the servers), so the driver connects all' +
    ' of them at once.' + (() => {
      const outside = [[single, 'one server'], [redis2, 'two in-process servers'], [proc, 'two server processes']]
        .filter(([tp]) => tp?.broadcast?.control?.pairRatiosPerCpu?.length && tp.broadcast.medianPairRatioPerCpu != null)
        .map(([tp, label]) => {
          const own = proc === tp ? tp.broadcast.medianPairRatioPerServerCpu : tp.broadcast.medianPairRatioPerCpu;
          const ctl = tp.broadcast.control.pairRatiosPerCpu;
          return own < Math.min(...ctl) ? `${label} (${f(own)}×, the facade lower)` : own > Math.max(...ctl) ? `${label} (${f(own)}×, the facade higher)` : null;
        })
        .filter((x) => x != null);
      return outside.length
        ? ` In this run the per-CPU facade/raw ratio fell outside the A/A control's spread for: ${outside.join('; ')}. The emit path itself is measured above at tens of nanoseconds, so a gap of this size between two populations in one process is not the facade's doing (pair ranges in the targets table).`
        : ' In this run every per-CPU facade/raw ratio lies within its A/A control\'s spread.';
    })());
  // 2. Index vs SADD.
  {
    const cores = (rows, opsKey, key) => (rows && rows.length && rows.every((r) => r[key] != null)
      ? rows.reduce((acc, r) => acc + (r[opsKey] * r[key]) / 1e6, 0) / rows.length : null);
    const idxRedis = cores(jls?.rounds, 'opsPerSecond', 'redisCpuMicrosecondsPerOp');
    const idxClient = cores(jls?.rounds, 'opsPerSecond', 'clientCpuMicrosecondsPerOp');
    const saddRedis = cores(jls?.redisBenchmarkSadd, 'opsPerSecond', 'redisCpuMicrosecondsPerOp');
    const saddClient = cores(jls?.redisBenchmarkSadd, 'opsPerSecond', 'clientCpuMicrosecondsPerOp');
    const c = (v) => (v == null ? 'n/a' : v.toFixed(2));
    a.push(`- **Redis index join+leave vs SADD** (${f(t.indexVsSadd)}×). Every join or leave is one EVALSHA of a Lua script that does` +
      ' EXISTS + SADD ×3 (or EXISTS + SREM ×2 + SCARD + SREM) against the connection set, the room set and the room list:' +
      ' 4–5 commands of work inside Redis for one SADD of `redis-benchmark`. Yet Redis spends less CPU per index' +
      ` operation (${us(avg(jls?.rounds, 'redisCpuMicrosecondsPerOp'))}) than per SADD (${us(avg(jls?.redisBenchmarkSadd, 'redisCpuMicrosecondsPerOp'))}): StackExchange.Redis pipelines the 50 concurrent calls of a` +
      ' server on one socket, so Redis reads and writes many commands per syscall, where `redis-benchmark` keeps 50 sockets' +
      ' with one request in flight each. Neither side of the comparison is bounded by Redis on this machine: during the' +
      ` index runs redis-server used ${c(idxRedis)} of a core and the .NET process ${c(idxClient)} cores (${us(avg(jls?.rounds, 'clientCpuMicrosecondsPerOp'))} per operation);` +
      ` during the SADD runs redis-server used ${c(saddRedis)} of a core and \`redis-benchmark\` ${c(saddClient)} (its single thread, ${us(avg(jls?.redisBenchmarkSadd, 'clientCpuMicrosecondsPerOp'))} per request).` +
      ' Both are client-bound on 2 cores shared with Redis; on a machine where Redis has a core to itself both would go' +
      ' higher, the index less far than SADD because its script does more work per call.' +
      (micro ? ` Sequentially, one join costs ${time(storeMicro('Join', 'Redis', 'RoomsPerConnection', '10')?.meanNs)} through the store against ${time(rawRedis('EvalJoinLeave')?.meanNs)} for the bare script call (${n0(storeMicro('Join', 'Redis', 'RoomsPerConnection', '10')?.allocatedBytesPerOp)} B against ${n0(rawRedis('EvalJoinLeave')?.allocatedBytesPerOp)} B allocated): the latency is the round trip, the extra CPU and allocation are the store's wrapping (see "For the library owners").` : ''));
  }
  const e2 = redis2?.joinLeaveEndToEnd;
  if (e2?.facade && e2?.raw) {
    a.push(`- **Join+leave end to end with two servers** (facade ${n0(e2.facade.opsPerSecond)} ops/s vs raw groups ${n0(e2.raw.opsPerSecond)} ops/s, ratio ${f(e2.medianPairRatio)}×,` +
      ` ${f(t.e2eVsSadd)}× of SADD). This is bounded by SignalR's Redis backplane, not by the index: a join into a group that has no` +
      ' other member on that server makes the server SUBSCRIBE the group\'s channel, and all subscribes and unsubscribes of a' +
      ' server are serialised behind one lock around an awaited SUBSCRIBE, so each server does about one group change per' +
      ' Redis round trip whatever the concurrency. The facade adds its script round trip after the group add (SignalR first,' +
      ' then the index, so the index never lists a connection SignalR would not deliver to): one more sequential round trip' +
      ' per join and per leave.');
  }
  // 3. clients(room).
  if (ourClients && sio) {
    a.push(`- **clients(room) across servers** (${f(t.clientsP50)}× at p50 as the client sees it, ${f(t.clientsServerP50)}× for the query alone).` +
      ` RoomFacade answers from the index in one SMEMBERS (${ms(ourClients.server.p50Ms)} in the server), without asking the other server;` +
      ` Socket.IO's \`fetchSockets()\` publishes a request through Redis, waits for the other node's answer and merges it (${ms(sio.clientsQuery.server.p50Ms)}).` +
      ` The index is at its floor: in the micro-benchmarks GetMembersAsync of a room of 10 takes ${time(storeMicro('GetMembers', 'Redis', 'Members', '10')?.meanNs)} against ${time(rawRedis('SMembers10')?.meanNs)} for a bare SMEMBERS and ${time(rawRedis('Ping')?.meanNs)} for a PING — one loopback round trip on this machine.` +
      ' On loopback a Redis round trip is that cheap and the other node answers at once, so the "ask every node' +
      ' and wait" cost is small here; both figures also include the client\'s own round trip to its server (WebSocket frame,' +
      ' hub dispatch or event ack), which is the same order of magnitude as the query. A 10× gap needs a network where a hop' +
      ' costs far more than a Redis command, more nodes to wait for, or a busy node answering late: none of which a single' +
      ' 2-core machine can show. The p99 column shows the waiting: Socket.IO\'s tail is the slowest node\'s answer.');
  }
  if (ourRooms && sio) {
    a.push(`- **manager.rooms** (${ms(ourRooms.client.p50Ms)} vs \`allRooms()\` ${ms(sio.allRoomsQuery.client.p50Ms)} at p50). RoomFacade's` +
      ' `Manager.GetRoomsAsync()` returns every room *with its members*: one SMEMBERS for the room list plus one per room' +
      ' (pipelined), where `allRooms()` returns names only. With 10,000 rooms (micro-benchmark below) this is the' +
      ' slowest query of the index.');
  }
  // 4. Broadcast.
  if (fb && sb) {
    const sbCores = sb.deliveredPerSecond / sb.deliveredPerCpuSecond;
    const fpCores = fp ? fp.deliveredPerSecond / fp.deliveredPerCpuSecond : null;
    a.push(`- **Room broadcast vs Socket.IO.** Wall clock ${f(t.bcastWall)}× with the .NET servers and clients in one process and ${f(t.bcastProcWall)}× with each .NET server in a process of its own (Socket.IO's layout);` +
      ` per CPU-second of the whole system ${f(t.bcastCpu)}×, and ${f(t.bcastProcServerCpu)}× per CPU-second of the server side alone (servers + Redis).` +
      ' The server-side figure is the one that says what a fleet of servers costs: ' +
      (t.bcastProcServerCpu == null ? 'it is not available in this run.'
        : t.bcastProcServerCpu >= 0.8 && t.bcastProcServerCpu <= 1.25
          ? 'SignalR with its Redis backplane and Socket.IO with its Redis adapter spend about the same CPU per delivered message here, so a 1.5× advantage is not there to be had on the server side.'
          : `SignalR with its Redis backplane delivers ${f(t.bcastProcServerCpu)}× as many messages per server CPU-second as Socket.IO with its Redis adapter.`) +
      ' With two servers every SignalR group send goes through Redis, even to members' +
      ' on the sending server (the server publishes to the group\'s channel and delivers when its own subscription gets' +
      ' the message back); Socket.IO\'s adapter delivers to local members directly and publishes once for the other' +
      ' nodes. The whole-system figures also carry the clients: 1,000 SignalR .NET clients (JSON protocol) against' +
      ' 1,000 socket.io-client sockets in one Node process.' +
      ` Wall-clock rates also depend on how busy each system kept the machine (column "Cores busy"): Socket.IO's run kept ${sbCores.toFixed(2)} of 2 cores busy${fpCores ? `, the .NET servers-as-processes run ${fpCores.toFixed(2)}` : ''}, at the same 2 messages in flight per sender` +
      (sbCores < 1.7 || (fpCores != null && fpCores < 1.7) ? '; a run that leaves a core idle is bounded by its latency, not by CPU, and its wall-clock rate understates what that system could do.' : '.') +
      (fb && fp ? ` Hosting the 2,000 clients in the servers' process (the first layout) costs SignalR a lot on this machine: ${n0(fb.deliveredPerCpuSecond)} against ${n0(fp.deliveredPerCpuSecond)} delivered per CPU-second of the whole system, and ${cores(fb)} cores busy; that layout is the driver's convenience, not a deployment shape, and the layout with server processes is the one to compare with Socket.IO.` : '') +
      ' The facade itself adds nothing measurable here (first line).');
  }
  // 5. Memory.
  if (mem) {
    a.push(`- **Memory**: in memory ${bytes(mem.inMemory.bytesPerMembership)} per membership (${bytes(mem.inMemory.bytesPerMembershipAllIn)} all-in): two` +
      ' `HashSet<string>` entries (the connection\'s rooms and the room\'s members) plus table slack. In Redis' +
      ` ${bytes(mem.redis.bytesPerMembership)} per membership against a floor of ${bytes(mem.rawRedisSets.bytesPerMembership)} for the same two sets written with bare SADDs:` +
      ` the index is at the floor of its layout. Redis ${mem.redisVersion} stores sets of strings as hash tables (a dictEntry and an` +
      ' sds string per member, in each of the two sets); Redis 7.2+ keeps small sets (≤ 128 members of ≤ 64 bytes) as' +
      ' listpacks, which would shrink both. The all-in figure adds each connection\'s registration' +
      ` (${bytes(mem.redis.bytesPerConnection)} per connection: its own set key with the prefix and hex namespace tag, its catch-all membership,` +
      ' its entry in the server\'s set and in the global connection hash) spread over 10 rooms.' +
      ` Each server also keeps its own connections' rooms in its heap (${bytes(mem.redis.localHeap?.bytesPerMembership)} per membership, ${bytes(mem.redis.localHeap?.bytesPerConnection)} per connection, its Redis key built once among them so that joins and leaves do not rebuild it: before that change 406 B).`);
  }
  return a;
}
