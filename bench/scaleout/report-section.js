'use strict';
// The "Scale-out and Socket.IO endpoint (issues 11 and 12)" section of docs/benchmarks.md, from the results of
// bench/scaleout (scaleout.json, profile.json, profile-summary.json, machine.txt in one folder). Used by
// bench/report.js: appended to the full document, or spliced into the existing one (bench/run.sh --only scaleout).
const fs = require('node:fs');
const path = require('node:path');

const HEADING = '## Scale-out and Socket.IO endpoint (issues 11 and 12)';

const n0 = (v) => (v == null || !Number.isFinite(v) ? 'n/a' : Math.round(v).toLocaleString('en-US'));
const n1 = (v) => (v == null || !Number.isFinite(v) ? 'n/a' : v.toFixed(1));
const n2 = (v) => (v == null || !Number.isFinite(v) ? 'n/a' : v.toFixed(2));
const ms = (v) => (v == null || !Number.isFinite(v) ? 'n/a' : v < 1 ? `${v.toFixed(3)} ms` : v < 100 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`);
const us = (v) => (v == null || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(v < 100 ? 1 : 0)} µs`);
const ratio = (v) => (v == null || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(2)}×`);
const kb = (v) => (v == null || !Number.isFinite(v) ? 'n/a' : `${(v / 1024).toFixed(1)} KiB`);
const table = (header, rows) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function median(xs) {
  const v = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
const spread = (xs) => {
  const v = xs.filter((x) => x != null && Number.isFinite(x));
  return v.length > 1 ? `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}` : null;
};
const get = (obj, p) => p.split('.').reduce((o, k) => (o == null ? o : o[k]), obj);

function section(dir, machine) {
  const file = path.join(dir, 'scaleout.json');
  if (!fs.existsSync(file)) return null;
  const so = JSON.parse(fs.readFileSync(file, 'utf8'));
  const readOpt = (name) => (fs.existsSync(path.join(dir, name)) ? JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) : null);
  const prof = readOpt('profile.json');
  const profSummary = readOpt('profile-summary.json');
  const sys = so.systems;
  const has = (k) => Boolean(sys[k]);
  const rounds = (k) => (sys[k] ? sys[k].rounds : []);
  // The median over rounds of one figure, and of the per-round ratio of two systems' figures.
  const fig = (k, p) => median(rounds(k).map((r) => get(r, p)));
  const perRound = (a, b, p, pb = p) => rounds(a).map((r, i) => {
    const x = get(r, p);
    const y = get(rounds(b)[i], pb);
    return x != null && y ? x / y : null;
  });
  const rat = (a, b, p, pb) => median(perRound(a, b, p, pb));
  const rng = (a, b, p, pb) => spread(perRound(a, b, p, pb));
  const nRounds = Math.max(...Object.values(sys).map((s) => s.rounds.length));
  const stormRounds = Math.max(0, ...Object.values(sys).map((s) => s.rounds.filter((r) => r.storm).length));
  const o = so.options;
  const L = [];
  const p = (...xs) => L.push(...xs, '');

  p(HEADING);
  p(`The servers in processes of their own, driven from one Node process by the official JS clients over WebSockets on 127.0.0.1: \`@microsoft/signalr\` ${so.versions['@microsoft/signalr']} for the SignalR hub, \`socket.io-client\` ${so.versions['socket.io-client']} for Socket.IO. The systems under test, started by \`bench/scaleout/driver.js\` (each scaled-out system with a fresh redis-server of its own):`);
  p(Object.entries(sys).map(([k, s]) => `- **${k}**: ${s.label}${s.client === 'sio' ? ', driven by `socket.io-client`' : ', driven by `@microsoft/signalr`'}`).join('\n'),
    '',
    '`rf`/`stock`/`rf-sio*` are `examples/ChatRooms` built in Release (`dotnet ChatRooms.dll --urls … --ConnectionStrings:Redis=… [--RoomFacade:Redis:Backplane=SignalR]`, log level Warning since the example ships no appsettings); `sio`/`sio1` are `bench/socketio/server.js` (socket.io ' + `${so.versions['socket.io']}, @socket.io/redis-adapter ${so.versions['@socket.io/redis-adapter']}), which answers the example hub's methods as events of the same names (Subscribe, Unsubscribe, EmitToRoom, GetClients, FetchSockets).`);
  p(`The systems alternate in time (${Object.keys(sys).join(', ')}, then again: ${nRounds} round${nRounds === 1 ? '' : 's'}; the connect storm in ${stormRounds === nRounds ? 'every round' : `the first ${stormRounds}`}); every figure is the median of the rounds and every ratio the median of the per-round ratios, with the smallest and largest per-round ratio as the run-to-run spread. Server CPU = both server processes (\`/proc/PID/stat\`) + redis-server (\`INFO cpu\`); client CPU = the driver process. Workloads: **join+leave** — ${o.jlClients} clients (alternating servers) each loop \`Subscribe(room)\` then \`Unsubscribe(room)\` for ${o.jlSeconds} s, a fresh room per pair or a random room of a pool of ${n0(o.poolRooms)} (a join and a leave count as two operations; CPU is per join+leave pair); **broadcast** — ${n0(o.clients)} clients in ${o.rooms} rooms of ${o.clients / o.rooms} (members alternate servers), one sender per room keeps ${o.window} \`EmitToRoom\` messages in flight (${o.warmupSeconds} s warm-up, ${o.durationSeconds} s measured), latency = receive − send on one clock; **clients(room)** — one client of the first server calls \`GetClients(room)\` ${o.queries} times for rooms with members on both servers; **connect storm** — ${n0(o.stormClients)} clients to the servers at once (at most ${o.stormConcurrency} connects in flight, deadline ${o.stormSeconds} s), then one \`FetchSockets([], [])\` lists them; **Redis commands** — \`INFO commandstats\` deltas over the timed runs, and a separate MONITOR pass (10 clients × 10 pairs) that tells the commands a server sends from the commands its Lua scripts run inside Redis.`);
  p(table(['', ''], [
    ['Command', `\`${machine.scaleout_command || 'bench/run.sh --only scaleout'}\``],
    ['Date (UTC) / commit', `${machine.scaleout_date_utc || machine.date_utc || 'n/a'} / \`${machine.commit || 'n/a'}\``],
    ['Load average at start → end', `${machine.scaleout_loadavg_start || 'n/a'} → ${machine.scaleout_loadavg_end || 'n/a'} (2 cores: above 2 is other tenants queueing)`],
    ['Duration', `${n0(so.seconds)} s`],
  ]));

  // ---- targets ------------------------------------------------------------------------------------------------------
  const rows = [];
  const verdict = (v, ok) => (ok == null ? '—' : v == null ? 'n/a' : ok(v) ? 'met' : '**missed**');
  const cmp = (target, bound, a, b, p1, fmt, ok, pb) => {
    if (!has(a) || !has(b)) return;
    const v = rat(a, b, p1, pb);
    const r = rng(a, b, p1, pb);
    rows.push([target, bound, `${fmt(fig(a, p1))} vs ${fmt(fig(b, pb || p1))}${r ? `; rounds ${r}` : ''}`, ratio(v), verdict(v, ok)]);
  };
  const ge = (x) => (v) => v >= x;
  const le = (x) => (v) => v <= x;
  const ops = (v) => `${n0(v)} ops/s`;
  for (const [mode, key] of [['fresh room per pair', 'joinLeaveFresh'], ['pooled rooms', 'joinLeavePooled']]) {
    cmp(`Issue 11: join+leave end to end, two servers, ${mode} — RoomFacade backplane vs Socket.IO`, '≥ 1.0×', 'rf', 'sio', `${key}.opsPerSecond`, ops, ge(1));
    cmp(`… RoomFacade backplane vs the stock backplane (${mode})`, '≥ 2×', 'rf', 'stock', `${key}.opsPerSecond`, ops, ge(2));
  }
  cmp('Issue 11: server CPU (servers + Redis) per join+leave, fresh room — RoomFacade vs Socket.IO', '≤ 1.0×', 'rf', 'sio', 'joinLeaveFresh.serverCpuPerPairUs', us, le(1));
  cmp('… pooled rooms', '≤ 1.0×', 'rf', 'sio', 'joinLeavePooled.serverCpuPerPairUs', us, le(1));
  cmp('… the stock backplane vs Socket.IO, fresh room (for reference)', '—', 'stock', 'sio', 'joinLeaveFresh.serverCpuPerPairUs', us, null);
  cmp('Issue 11: server CPU per delivered broadcast message — RoomFacade vs Socket.IO', '≤ 0.67×', 'rf', 'sio', 'broadcast.serverCpuPerMessageUs', us, le(0.67));
  cmp('Issue 11: room broadcast delivered msgs/s, 1,000 clients in 100 rooms, two servers', '≥ 1.5×', 'rf', 'sio', 'broadcast.deliveredPerSecond', (v) => `${n0(v)}/s`, ge(1.5));
  cmp('… delivered per server-CPU-second', '≥ 1.5×', 'rf', 'sio', 'broadcast.deliveredPerServerCpuSecond', (v) => `${n0(v)}/CPU-s`, ge(1.5));
  cmp('Issue 11: broadcast send-to-receive p99', '≤ 1.0×', 'rf', 'sio', 'broadcast.latency.p99Ms', ms, le(1));
  cmp('… p50 (for reference)', '—', 'rf', 'sio', 'broadcast.latency.p50Ms', ms, null);
  cmp('Issue 11: `clients(room)` end to end p50, two servers (`GetClients` vs `fetchSockets`)', '≤ 0.35×', 'rf', 'sio', 'clientsQuery.latency.p50Ms', ms, le(0.35));
  if (stormRounds > 0) {
    cmp(`Issue 11: connect storm, ${n0(o.stormClients)} clients to two servers at once — connects/s`, '≥ 1.0×', 'rf', 'sio', 'storm.connectsPerSecond', (v) => `${n0(v)}/s`, ge(1));
    for (const k of ['rf', 'stock', 'sio'].filter(has)) {
      const st = rounds(k).filter((r) => r.storm).map((r) => r.storm);
      if (!st.length) continue;
      const allListed = st.every((s) => s.listed === s.connected && s.connected === s.clients);
      const subs = Math.max(...st.map((s) => s.subscribes));
      const goal = k === 'rf' ? 'all listed; 0 SUBSCRIBE' : '(comparison)';
      rows.push([`… ${k}: connected and listed by one \`FetchSockets\`; SUBSCRIBE during the storm`, goal,
        st.map((s) => `${n0(s.connected)}/${n0(s.clients)} connected, ${s.listed == null ? `listing failed (${s.listError})` : `${n0(s.listed)} listed`}, ${n0(s.subscribes)} SUBSCRIBE`).join('; '),
        '—', k === 'rf' ? (allListed && subs === 0 ? 'met' : '**missed**') : '—']);
    }
  }
  const cc = (k, mode) => rounds(k)[0]?.commandCount?.[mode];
  for (const k of ['rf', 'stock'].filter(has)) {
    const f = cc(k, 'fresh');
    const pl = cc(k, 'pooled');
    if (!f) continue;
    const ok = f.sentPerOp <= 1.0001 && (!pl || pl.sentPerOp <= 1.0001);
    rows.push([`Issue 11: Redis commands sent per join or leave (MONITOR), ${k === 'rf' ? 'RoomFacade backplane' : 'stock backplane'}`, k === 'rf' ? '1' : '(comparison)',
      `fresh ${n2(f.sentPerOp)} (${Object.entries(f.sent).map(([c, v]) => `${c} ${n2(v / f.ops)}`).join(', ')})${pl ? `, pooled ${n2(pl.sentPerOp)}` : ''}; inside the scripts ${n2(f.inScriptsPerOp)}; \`INFO commandstats\` (scripts' commands included) ${n2(fig(k, 'joinLeaveFresh.redisCommandsPerOp'))}, SUBSCRIBE+UNSUBSCRIBE ${n2(fig(k, 'joinLeaveFresh.subscribesPerOp'))}`,
      '—', k === 'rf' ? (ok ? 'met' : '**missed**') : '—']);
  }
  for (const k of ['rf', 'stock', 'sio'].filter(has)) {
    const v = fig(k, 'broadcast.publishesPerMessage');
    rows.push([`Issue 11: PUBLISH per room message, ${k} (every room has members on both servers: 1 other server)`, k === 'rf' ? '≤ 1' : '(comparison)', n2(v), '—', k === 'rf' ? (v != null && v <= 1.05 ? 'met' : '**missed**') : '—']);
  }
  cmp('Issue 12: join+leave ops/s, `socket.io-client` — RoomFacade endpoint vs one Node Socket.IO server, fresh room', '≥ 1.0×', 'rf-sio1', 'sio1', 'joinLeaveFresh.opsPerSecond', ops, ge(1));
  cmp('… pooled rooms', '≥ 1.0×', 'rf-sio1', 'sio1', 'joinLeavePooled.opsPerSecond', ops, ge(1));
  cmp('Issue 12: room broadcast delivered msgs/s, one server', '≥ 1.5×', 'rf-sio1', 'sio1', 'broadcast.deliveredPerSecond', (v) => `${n0(v)}/s`, ge(1.5));
  cmp('… broadcast p99 (reported, no target)', '—', 'rf-sio1', 'sio1', 'broadcast.latency.p99Ms', ms, null);
  cmp('… server CPU per delivered message (reported)', '—', 'rf-sio1', 'sio1', 'broadcast.serverCpuPerMessageUs', us, null);
  if (stormRounds > 0) {
    cmp(`Issue 12: memory per connection, server RSS delta over the ${n0(o.stormClients)}-client storm (reported)`, '—', 'rf-sio1', 'sio1', 'storm.rssPerConnectionBytes', kb, null);
    if (fig('rf-sio1', 'storm.heapPerConnectionBytes') != null) cmp('… live GC heap delta per connection after a full GC (`dotnet-gcdump` / `global.gc()` + heapUsed; reported)', '—', 'rf-sio1', 'sio1', 'storm.heapPerConnectionBytes', kb, null);
  }
  cmp('Issue 12, two servers + Redis: join+leave, RoomFacade endpoint (RoomFacade backplane) vs Socket.IO + redis-adapter, fresh room', '≥ 1.0×', 'rf-sio2', 'sio', 'joinLeaveFresh.opsPerSecond', ops, ge(1));
  cmp('… broadcast delivered msgs/s, two servers', '≥ 1.5×', 'rf-sio2', 'sio', 'broadcast.deliveredPerSecond', (v) => `${n0(v)}/s`, ge(1.5));
  p('### Targets', table(['Target', 'Bound', 'Figures (median of rounds)', 'Ratio', 'Verdict'], rows.map((r) => r.map(String))));

  // ---- every figure --------------------------------------------------------------------------------------------------
  const keys = Object.keys(sys);
  const cores = (k, pth) => `${n2(fig(k, `${pth}.serverCores`))} / ${n2(fig(k, `${pth}.clientCores`))}`;
  p('### Join + leave end to end',
    table(['System', 'Rooms', 'ops/s', 'p50', 'p99', 'Server CPU per join+leave (servers + Redis)', 'Client CPU per join+leave', 'Cores busy: servers+Redis / client', 'Redis commands per op (commandstats)', 'SUBSCRIBE+UNSUBSCRIBE per op', 'Errors'],
      keys.flatMap((k) => [['joinLeaveFresh', 'fresh'], ['joinLeavePooled', 'pooled']].map(([pth, label]) => [k, label, n0(fig(k, `${pth}.opsPerSecond`)), ms(fig(k, `${pth}.latency.p50Ms`)), ms(fig(k, `${pth}.latency.p99Ms`)),
        `${us(fig(k, `${pth}.serverCpuPerPairUs`))} (${us(fig(k, `${pth}.serversCpuPerPairUs`))} + ${us(fig(k, `${pth}.redisCpuPerPairUs`))})`, us(fig(k, `${pth}.clientCpuPerPairUs`)), cores(k, pth),
        n2(fig(k, `${pth}.redisCommandsPerOp`)), n2(fig(k, `${pth}.subscribesPerOp`)), n0(rounds(k).reduce((a, r) => a + (get(r, `${pth}.errors`) || 0), 0))]))));
  p('### Room broadcast',
    table(['System', 'Delivered msg/s', 'p50', 'p99', 'Server CPU per delivered msg', 'Delivered per server-CPU-s', 'Client CPU per msg', 'Cores busy: servers+Redis / client', 'PUBLISH per sent msg'],
      keys.map((k) => [k, n0(fig(k, 'broadcast.deliveredPerSecond')), ms(fig(k, 'broadcast.latency.p50Ms')), ms(fig(k, 'broadcast.latency.p99Ms')), us(fig(k, 'broadcast.serverCpuPerMessageUs')),
        n0(fig(k, 'broadcast.deliveredPerServerCpuSecond')), us(fig(k, 'broadcast.clientCpuPerMessageUs')), cores(k, 'broadcast'), n2(fig(k, 'broadcast.publishesPerMessage'))])));
  p('### clients(room) and the connect storm',
    table(['System', '`GetClients` p50', 'p99', 'Storm: connected', 'connects/s', 'Server CPU per connect', 'Cores busy: servers+Redis / client', 'SUBSCRIBE', 'Listed', 'RSS per connection', 'GC heap per connection'],
      keys.map((k) => {
        const st = rounds(k).filter((r) => r.storm).map((r) => r.storm);
        return [k, ms(fig(k, 'clientsQuery.latency.p50Ms')), ms(fig(k, 'clientsQuery.latency.p99Ms')),
          st.length ? st.map((s) => `${n0(s.connected)}/${n0(s.clients)}`).join(', ') : '—', n0(fig(k, 'storm.connectsPerSecond')), us(fig(k, 'storm.serverCpuPerConnectUs')),
          st.length ? cores(k, 'storm') : '—', st.length ? st.map((s) => n0(s.subscribes)).join(', ') : '—', st.length ? st.map((s) => (s.listed == null ? 'failed' : n0(s.listed))).join(', ') : '—',
          kb(fig(k, 'storm.rssPerConnectionBytes')), fig(k, 'storm.heapPerConnectionBytes') == null ? '—' : kb(fig(k, 'storm.heapPerConnectionBytes'))];
      })));

  if (prof && profSummary) p(...profileSection(prof, profSummary));
  p('### What bounds the figures', ...bounds(sys, fig, has, o));
  return L.join('\n').replace(/\n{3,}/g, '\n\n');
}

// Shortens a frame name: assembly and generic noise dropped, the async state machine shown as its method.
function shortFrame(name) {
  let s = name.includes('!') ? name.slice(name.indexOf('!') + 1) : name;
  s = s.replace(/\(.*$/, '').replace(/`\d+/g, '').replace(/\[[^\]]*\]/g, '');
  const m = /^(.*)\+<([^>]+)>d__\d+\.MoveNext$/.exec(s);
  if (m) s = `${m[1]}.${m[2]} (async)`;
  return s.split('.').slice(-3).join('.');
}

function profileSection(prof, sum) {
  const out = ['### Where the stock backplane spends its CPU per join+leave (profile)'];
  const jl = prof.profile.joinLeave;
  const skip = /AsyncMethodBuilderCore\.Start|AsyncTaskMethodBuilder|AsyncStateMachineBox|ExecutionContext|ThreadPoolWorkQueue|RunWorkLoop|b__\d+_\d+|<\.cctor>/;
  const seen = new Set();
  const incl = sum.inclusive.filter((f) => !skip.test(f.frame)).map((f) => ({ ...f, short: shortFrame(f.frame) }))
    .filter((f) => (seen.has(f.short) ? false : seen.add(f.short))).slice(0, 16);
  out.push(`\`dotnet-trace collect --profile dotnet-sampled-thread-time\` on one server of \`stock\` while ${jl.clients} clients ran join+leave with a fresh room per pair (${n0(jl.opsPerSecond)} ops/s, ${us(jl.serverCpuPerPairUs)} server CPU per pair during the trace, ${n2(jl.serverCores)} cores busy on servers + Redis). Thread-time sampling also samples waiting threads; the summary (\`bench/scaleout/profile-summary.js\`) keeps the samples of running threads — stacks without a runtime wait frame and not parked in an idle loop — ${n1(sum.busyMs / 1000)} s of thread time, of which ${n1(sum.managedPercent)} % in managed code and ${n1(sum.nativePercent)} % in native code (syscalls, runtime, lock waits) under the managed frame that called it. Percentages are of that running time; inclusive = the frame is on the stack.`);
  out.push('');
  if (sum.buckets) {
    const per = jl.serversCpuPerPairUs;
    const est = (pc) => (per ? ` ≈ ${us((pc / 100) * per)}` : '');
    const pick = (prefix) => sum.buckets.find((x) => x.label.startsWith(prefix))?.percent;
    const sub = pick('SignalR stock backplane');
    const idx = pick('RoomFacade index');
    const write = pick('StackExchange.Redis: writing');
    const handoff = pick('Pipelines.Sockets.Unofficial');
    const locks = pick('Contended locks');
    const io = pick('Socket I/O');
    const disp = pick('SignalR hub dispatch');
    out.push(`**Where the stock path spends its CPU per join+leave** (shares of the profiled server's running time; the µs apply the share to the ${us(per)} the two server processes spent per join+leave during the trace): the group SUBSCRIBE/UNSUBSCRIBE of SignalR's backplane ${n1(sub)} %${est(sub)}; RoomFacade's index script ${n1(idx)} %${est(idx)}; StackExchange.Redis writing commands ${n1(write)} %${est(write)}. The largest single cost is the hand-off to StackExchange.Redis's dedicated scheduler (\`DedicatedThreadPoolPipeScheduler.Schedule\`, ${n1(handoff)} % with what it calls): every flushed Redis write and every socket completion of its connections queues work there under a lock and wakes a scheduler thread with \`Monitor.Pulse\`; that queue lock is most of the contended-lock time (${n1(locks)} % in \`Monitor\` slow paths and spinning, see the self table), and the stock path flushes two commands per join or leave where RoomFacade's backplane flushes one (MONITOR counts above). Socket I/O (epoll loop, send and receive syscalls of the hub connections and Redis) ${n1(io)} %; the SignalR hub dispatch around the hub method ${n1(disp)} %. The groups overlap (a SUBSCRIBE's write is in the first and the third).`);
    out.push('');
    out.push(table(['What the running samples were doing (groups overlap: a stack can be in several)', '% of running time'], sum.buckets.map((b) => [b.label, `${n1(b.percent)} %`])));
    out.push('');
  }
  out.push(table(['Frame (inclusive)', '% of running time'], incl.map((f) => [`\`${f.short}\``, `${n1(f.percent)} %`])));
  out.push('');
  out.push(table(['Frame (self: innermost managed frame, native callees included)', '%'], sum.self.slice(0, 10).map((f) => [`\`${shortFrame(f.frame)}\``, `${n1(f.percent)} %`])));
  out.push('');
  out.push(table(['Module (self)', '%'], sum.selfByModule.filter((m) => !/^Thread \(|^\?$|CPU_TIME/.test(m.module)).slice(0, 8).map((m) => [m.module, `${n1(m.percent)} %`])));
  return out;
}

// Which side bounds a throughput: the client (the one Node process near one core), the machine (2 cores), or neither
// (latency: each client waits for its answer before the next call).
function boundBy(serverCores, clientCores, machineCores) {
  if (serverCores == null || clientCores == null) return 'n/a';
  const ours = `servers + Redis ${n2(serverCores)}, client ${n2(clientCores)} cores`;
  if (clientCores >= 0.85) return `the client (the driver at ${n2(clientCores)} of its one thread's core; ${ours})`;
  if (serverCores + clientCores >= 1.7) return `the machine's 2 cores, taken by the system itself (${ours})`;
  if (machineCores != null && machineCores >= 1.7) return `the machine's 2 cores, shared (${ours}; the machine ${n2(machineCores)} busy: other tenants took the rest)`;
  return `neither CPU (${ours}, machine ${n2(machineCores)}): the round trips each client waits for`;
}

function bounds(sys, fig, has, o) {
  const L = [];
  const line = (k, pth, what) => {
    if (!has(k)) return null;
    return `${k}: ${boundBy(fig(k, `${pth}.serverCores`), fig(k, `${pth}.clientCores`), fig(k, `${pth}.machineCores`))}`;
  };
  const each = (pth) => Object.keys(sys).map((k) => line(k, pth)).filter(Boolean).join('; ');
  L.push(`- **Join+leave (fresh rooms).** ${each('joinLeaveFresh')}. With ${o.jlClients} clients each waiting for its answer, a system that needs more Redis round trips per join (stock: the group SUBSCRIBE behind one lock per server, then the index script) is bounded by latency before CPU; compare the server CPU per join+leave, which the machine's other tenants disturb far less than ops/s.`);
  L.push(`- **Join+leave (pooled).** ${each('joinLeavePooled')}.`);
  L.push(`- **Broadcast.** ${each('broadcast')}. The window (${o.window} messages in flight per sender) keeps every system saturated without unbounded queues; the SignalR JS client parses JSON hub frames and the socket.io-client its packets, in one Node thread for ${n0(o.clients)} clients, so when the driver nears one core the delivered rate says more about the clients than about the servers: read server CPU per delivered message then.`);
  L.push(`- **Connect storm.** ${each('storm')}. A SignalR connect is a negotiate POST plus a WebSocket upgrade; a Socket.IO connect is a WebSocket upgrade plus the Engine.IO and Socket.IO handshakes.`);
  L.push('- **clients(room).** A single caller, one call at a time: latency of the chain client → server → Redis (RoomFacade: the index) or → the other node through Redis (Socket.IO `fetchSockets`) → back; nothing is CPU-bound.');
  L.push('- **The machine.** 2 cores shared with other tenants (see the load average above): absolute numbers move run to run; the per-round ratio spread in the targets table shows by how much. Every figure was taken with the other systems idle (alternating in time).');
  return L;
}

/** Replaces (or inserts) the section in an existing document. */
function splice(doc, sectionText) {
  const pointer = ' The section "Scale-out and Socket.IO endpoint (issues 11 and 12)" comes from\npart 4 (`bench/scaleout`), which `bench/run.sh --only scaleout` also runs alone; it carries its own run details.';
  const readme = '[`bench/README.md`](../bench/README.md).';
  if (!doc.includes('part 4 (`bench/scaleout`)') && doc.includes(readme)) doc = doc.replace(readme, readme + pointer);
  const start = doc.indexOf(HEADING);
  if (start >= 0) {
    const rest = doc.slice(start + HEADING.length);
    const next = rest.search(/\n## /);
    return doc.slice(0, start) + sectionText.trimEnd() + '\n' + (next >= 0 ? rest.slice(next) : '');
  }
  const anchor = doc.indexOf('\n## Scenario 1');
  if (anchor >= 0) return `${doc.slice(0, anchor + 1)}${sectionText.trimEnd()}\n\n${doc.slice(anchor + 1)}`;
  return `${doc.trimEnd()}\n\n${sectionText.trimEnd()}\n`;
}

module.exports = { section, splice, HEADING };
