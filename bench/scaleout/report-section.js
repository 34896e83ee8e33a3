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
  const profiles = ['stock', 'rf'].map((k) => ({ key: k, prof: readOpt(`profile-${k}.json`), sum: readOpt(`profile-summary-${k}.json`) })).filter((x) => x.prof && x.sum);
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
    const ok = f.sentPerOp <= 1.02 && (!pl || pl.sentPerOp <= 1.02); // the servers' heartbeats during the pass count too
    rows.push([`Issue 11: Redis commands sent per join or leave (MONITOR), ${k === 'rf' ? 'RoomFacade backplane' : 'stock backplane'}`, k === 'rf' ? '1' : '(comparison)',
      `fresh ${n2(f.sentPerOp)} (heartbeats during the pass included: ${Object.entries(f.sent).map(([c, v]) => `${c} ${n2(v / f.ops)}`).join(', ')})${pl ? `, pooled ${n2(pl.sentPerOp)}` : ''}; inside the scripts ${n2(f.inScriptsPerOp)}; \`INFO commandstats\` (scripts' commands included) ${n2(fig(k, 'joinLeaveFresh.redisCommandsPerOp'))}, SUBSCRIBE+UNSUBSCRIBE ${n2(fig(k, 'joinLeaveFresh.subscribesPerOp'))}`,
      '—', k === 'rf' ? (ok ? 'met' : '**missed**') : '—']);
  }
  for (const k of ['rf', 'stock', 'sio'].filter(has)) {
    const v = fig(k, 'broadcast.publishesPerMessage');
    rows.push([`Issue 11: PUBLISH per room message, ${k} (every room has members on both servers: 1 other server)`, k === 'rf' ? '≤ 1' : '(comparison)', n2(v), '—', k === 'rf' ? (v != null && v <= 1.05 ? 'met' : '**missed**') : '—']);
  }
  for (const k of ['rf', 'stock', 'sio'].filter(has)) {
    const lr = rounds(k)[0]?.localRoom;
    if (!lr) continue;
    rows.push([`… ${k}: PUBLISH per message to a room whose ${lr.members} members are all on the sender's server (${lr.messages} messages, one at a time)`, k === 'rf' ? '0' : '(comparison)', `${n0(lr.publishes)} PUBLISH, ${n2(lr.publishesPerMessage)} per message`, '—', k === 'rf' ? (lr.publishes === 0 ? 'met' : '**missed**') : '—']);
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
  p('### Targets');
  p(table(['Target', 'Bound', 'Figures (median of rounds)', 'Ratio', 'Verdict'], rows.map((r) => r.map(String))));

  // ---- every figure --------------------------------------------------------------------------------------------------
  const keys = Object.keys(sys);
  const cores = (k, pth) => `${n2(fig(k, `${pth}.serverCores`))} / ${n2(fig(k, `${pth}.clientCores`))}`;
  p('### Join + leave end to end');
  p(
    table(['System', 'Rooms', 'ops/s', 'p50', 'p99', 'Server CPU per join+leave (servers + Redis)', 'Client CPU per join+leave', 'Cores busy: servers+Redis / client', 'Redis commands per op (commandstats)', 'SUBSCRIBE+UNSUBSCRIBE per op', 'Errors'],
      keys.flatMap((k) => [['joinLeaveFresh', 'fresh'], ['joinLeavePooled', 'pooled']].map(([pth, label]) => [k, label, n0(fig(k, `${pth}.opsPerSecond`)), ms(fig(k, `${pth}.latency.p50Ms`)), ms(fig(k, `${pth}.latency.p99Ms`)),
        `${us(fig(k, `${pth}.serverCpuPerPairUs`))} (${us(fig(k, `${pth}.serversCpuPerPairUs`))} + ${us(fig(k, `${pth}.redisCpuPerPairUs`))})`, us(fig(k, `${pth}.clientCpuPerPairUs`)), cores(k, pth),
        n2(fig(k, `${pth}.redisCommandsPerOp`)), n2(fig(k, `${pth}.subscribesPerOp`)), n0(rounds(k).reduce((a, r) => a + (get(r, `${pth}.errors`) || 0), 0))]))));
  p('### Room broadcast');
  p(
    table(['System', 'Delivered msg/s', 'p50', 'p99', 'Server CPU per delivered msg', 'Delivered per server-CPU-s', 'Client CPU per msg', 'Cores busy: servers+Redis / client', 'PUBLISH per sent msg'],
      keys.map((k) => [k, n0(fig(k, 'broadcast.deliveredPerSecond')), ms(fig(k, 'broadcast.latency.p50Ms')), ms(fig(k, 'broadcast.latency.p99Ms')), us(fig(k, 'broadcast.serverCpuPerMessageUs')),
        n0(fig(k, 'broadcast.deliveredPerServerCpuSecond')), us(fig(k, 'broadcast.clientCpuPerMessageUs')), cores(k, 'broadcast'), n2(fig(k, 'broadcast.publishesPerMessage'))])));
  p('### clients(room) and the connect storm');
  p(
    table(['System', '`GetClients` p50', 'p99', 'Storm: connected', 'connects/s', 'Server CPU per connect', 'Cores busy: servers+Redis / client', 'SUBSCRIBE', 'Listed', 'RSS per connection', 'GC heap per connection'],
      keys.map((k) => {
        const st = rounds(k).filter((r) => r.storm).map((r) => r.storm);
        return [k, ms(fig(k, 'clientsQuery.latency.p50Ms')), ms(fig(k, 'clientsQuery.latency.p99Ms')),
          st.length ? st.map((s) => `${n0(s.connected)}/${n0(s.clients)}`).join(', ') : '—', n0(fig(k, 'storm.connectsPerSecond')), us(fig(k, 'storm.serverCpuPerConnectUs')),
          st.length ? cores(k, 'storm') : '—', st.length ? st.map((s) => n0(s.subscribes)).join(', ') : '—', st.length ? st.map((s) => (s.listed == null ? 'failed' : n0(s.listed))).join(', ') : '—',
          kb(fig(k, 'storm.rssPerConnectionBytes')), fig(k, 'storm.heapPerConnectionBytes') == null ? '—' : kb(fig(k, 'storm.heapPerConnectionBytes'))];
      })));

  if (profiles.length) p(...profileSection(profiles));
  p('### What the figures say');
  p(...reading(fig, has, rounds));
  p('### What bounds the figures');
  p(...bounds(sys, fig, has, o));
  return L.join('\n').replace(/\n{3,}/g, '\n\n');
}

// Shortens a frame name: assembly and generic noise dropped, the async state machine shown as its method.
function shortFrame(name) {
  let s = name.includes('!') ? name.slice(name.indexOf('!') + 1) : name;
  s = s.replace(/\(.*$/, '').replace(/`\d+/g, '').replace(/\[[^\]]*\]/g, '');
  const m = /^(.*)\+<([^>]+)>d__\d+\.MoveNext$/.exec(s);
  if (m) s = `${m[1]}.${m[2]} (async)`;
  return s.split('.').slice(-3).join('.').replace(/\|/g, '\\|');
}

function profileSection(profiles) {
  const out = ['### Where join+leave spends its CPU on the servers (profiles)'];
  const skip = /AsyncMethodBuilderCore\.Start|AsyncTaskMethodBuilder|AsyncValueTaskMethodBuilder|AsyncStateMachineBox|ExecutionContext|ThreadPoolWorkQueue|RunWorkLoop|b__\d+_\d+|<\.cctor>|HubConnectionHandler|DefaultHubDispatcher|HubFilterFactory|ChannelBasedSemaphore|RedisErrorsHubFilter/;
  const runs = profiles.map(({ key, prof }) => {
    const jl = prof.profile.joinLeave;
    return `\`${key}\`: ${n0(jl.opsPerSecond)} ops/s, ${us(jl.serversCpuPerPairUs)} CPU of the two server processes per join+leave during the trace`;
  }).join('; ');
  out.push(`\`dotnet-trace collect --profile dotnet-sampled-thread-time\` on one server process while ${profiles[0].prof.profile.joinLeave.clients} clients ran join+leave with a fresh room per pair (${runs}). Thread-time sampling also samples waiting threads; \`bench/scaleout/profile-summary.js\` keeps the samples of running threads (no runtime wait frame on the stack, not parked in an idle loop) and attributes native time (syscalls, runtime, lock waits) to the managed frame that called it. Percentages are of that running time; a frame or group counts when it is anywhere on the stack, so groups overlap.`);
  out.push('');
  const labels = profiles[0].sum.buckets.map((b) => b.label);
  out.push(table(['What the running samples were doing', ...profiles.map((x) => `\`${x.key}\``)],
    labels.map((l) => [l, ...profiles.map((x) => `${n1(x.sum.buckets.find((b) => b.label === l)?.percent)} %`)])));
  out.push('');
  const pick = (sum, prefix) => sum.buckets.find((x) => x.label.startsWith(prefix))?.percent;
  const lockers = (sum) => (sum.lockCallers || []).slice(0, 4).map((c) => `\`${shortFrame(c.frame)}\` ${n1(c.percentOfLocks)} %`).join(', ');
  const stock = profiles.find((x) => x.key === 'stock');
  if (stock) {
    const { sum } = stock;
    const per = stock.prof.profile.joinLeave.serversCpuPerPairUs;
    const est = (pc) => (per && pc != null ? ` ≈ ${us((pc / 100) * per)}` : '');
    const [sub, idx, write, handoff, locks, io, disp] = ['SignalR stock backplane', 'RoomFacade index', 'StackExchange.Redis: writing', 'Pipelines.Sockets.Unofficial', 'Contended locks', 'Socket I/O', 'SignalR hub dispatch'].map((x) => pick(sum, x));
    out.push(`**Where the stock path spends its CPU per join+leave** (the µs apply each share to the ${us(per)} the two server processes spent per join+leave during the trace): the group SUBSCRIBE/UNSUBSCRIBE of SignalR's backplane ${n1(sub)} %${est(sub)}; RoomFacade's index script ${n1(idx)} %${est(idx)}; StackExchange.Redis writing commands ${n1(write)} %${est(write)}. The hand-off to StackExchange.Redis's dedicated scheduler (\`DedicatedThreadPoolPipeScheduler.Schedule\`) takes ${n1(handoff)} % with what it calls: every flushed Redis write and every socket completion of its connections queues work there under a lock and wakes a scheduler thread with \`Monitor.Pulse\`. Contended locks (\`Monitor\` slow paths, spinning) are ${n1(locks)} %, taken in ${lockers(sum)} (shares of the lock time); the stock path flushes two commands per join or leave (SUBSCRIBE or UNSUBSCRIBE, then the index's EVALSHA) where RoomFacade's backplane flushes one (MONITOR counts above). Socket I/O (epoll loop, send and receive syscalls of the hub connections and Redis) ${n1(io)} %; the SignalR hub dispatch around the hub method ${n1(disp)} % (the SUBSCRIBE continues after the dispatch has handed it to the subscription manager).`);
    out.push('');
  }
  const rf = profiles.find((x) => x.key === 'rf');
  if (rf) {
    const { sum } = rf;
    const per = rf.prof.profile.joinLeave.serversCpuPerPairUs;
    const est = (pc) => (per && pc != null ? ` ≈ ${us((pc / 100) * per)}` : '');
    const [disp, idx, bp, write, locks, io, kestrel] = ['SignalR hub dispatch', 'RoomFacade index', 'RoomFacade backplane', 'StackExchange.Redis: writing', 'Contended locks', 'Socket I/O', 'Kestrel'].map((x) => pick(sum, x));
    out.push(`**RoomFacade's backplane, the same question** (of ${us(per)} per join+leave): the hub dispatch with the hub method ${n1(disp)} %${est(disp)}; the index's one script call ${n1(idx)} %${est(idx)} and the backplane's local group change ${n1(bp)} %${est(bp)} (partly inside the dispatch, partly in continuations after Redis answers); StackExchange.Redis writing ${n1(write)} %; contended locks ${n1(locks)} %, taken in ${lockers(sum)}; socket I/O ${n1(io)} %; Kestrel and the WebSocket transport ${n1(kestrel)} %.`);
    out.push('');
  }
  for (const { key, sum } of profiles) {
    const seen = new Set();
    const incl = sum.inclusive.filter((f) => !skip.test(f.frame)).map((f) => ({ ...f, short: shortFrame(f.frame) }))
      .filter((f) => (seen.has(f.short) ? false : seen.add(f.short))).slice(0, 12);
    out.push(table([`\`${key}\`: top frames (inclusive; dispatch plumbing left out)`, '%'], incl.map((f) => [`\`${f.short}\``, `${n1(f.percent)} %`])));
    out.push('');
    out.push(table([`\`${key}\`: top frames (self: innermost managed frame, native callees included)`, '%'], sum.self.slice(0, 8).map((f) => [`\`${shortFrame(f.frame)}\``, `${n1(f.percent)} %`])));
    out.push('');
  }
  return out;
}

// Which side bounds a throughput: the client (the one Node process near one core), the machine (2 cores, by the system
// itself or shared with other tenants), or neither (latency: each client waits for its answer before the next call).
function boundBy(serverCores, clientCores, machineCores) {
  if (serverCores == null || clientCores == null) return 'n/a';
  if (clientCores >= 0.85) return '**client** (the driver near its one thread\'s core)';
  if (serverCores + clientCores >= 1.7) return '**machine**, taken by the system under test';
  if (machineCores != null && machineCores >= 1.7) return '**machine**, shared: other tenants took the rest';
  return 'neither CPU: the round trips each client waits for';
}

function bounds(sys, fig, has, o) {
  const L = [];
  const rows = [];
  for (const [label, pth] of [['join+leave, fresh', 'joinLeaveFresh'], ['join+leave, pooled', 'joinLeavePooled'], ['broadcast', 'broadcast'], ['connect storm', 'storm']]) {
    for (const k of Object.keys(sys)) {
      const sc = fig(k, `${pth}.serverCores`);
      if (sc == null) continue;
      const cc = fig(k, `${pth}.clientCores`);
      const mc = fig(k, `${pth}.machineCores`);
      rows.push([label, k, n2(sc), n2(cc), mc == null ? 'n/a' : n2(mc), boundBy(sc, cc, mc)]);
    }
  }
  L.push('Cores busy during each measured window (medians of rounds): the system\'s servers + Redis, the driver (all clients, one Node thread plus its GC), and the whole machine (`/proc/stat`, every process, other tenants included); the bound follows from them.');
  L.push('');
  L.push(table(['Workload', 'System', 'Servers + Redis', 'Client (driver)', 'Machine', 'Bound'], rows));
  L.push('');
  L.push(`- **Join+leave.** ${o.jlClients} clients each wait for the answer before the next call, so ops/s is latency × concurrency until a CPU fills: a system that makes more Redis round trips per join (stock: the group SUBSCRIBE behind its lock, then the index script) is slower before it is busier. Server CPU per join+leave is the figure other tenants disturb least; read the ratios of that row first.`);
  L.push(`- **Broadcast.** The window (${o.window} messages in flight per sender) keeps every system saturated without unbounded queues. All ${n0(o.clients)} clients parse their frames in the driver's one thread (SignalR JSON hub messages or Socket.IO packets): where the driver nears one core the delivered rate says more about the clients than about the servers, and server CPU per delivered message is the figure to compare.`);
  L.push('- **Connect storm.** A SignalR connect is a negotiate POST plus a WebSocket upgrade and the handshake message; a Socket.IO connect is a WebSocket upgrade plus the Engine.IO and Socket.IO handshakes (server CPU per connect in the table above). RSS per connection includes what the runtime keeps after the burst (server GC heaps, pools); the GC heap column (a full collection first) is the live memory.');
  L.push('- **clients(room).** One caller, one call at a time: the latency of client → server → Redis (RoomFacade: the index, one round trip) or → every other node through Redis and back (Socket.IO `fetchSockets`) → client; no CPU bound.');
  L.push('- **The machine.** 2 cores shared with other tenants (load average above): absolute numbers move from run to run, and the per-round ratio spread in the targets table shows by how much. The systems alternate, so each ratio compares windows a few tens of seconds apart.');
  return L;
}

// Decompositions computed from this run's figures, to read the misses by: where the CPU of a join+leave or a message
// goes (the servers' own work against Redis's), and what the same call costs without Redis on one server.
function reading(fig, has, rounds) {
  const L = [];
  const f = (k, pth) => (has(k) ? fig(k, pth) : null);
  const x = (a, b) => (a != null && b ? ratio(a / b) : 'n/a');
  if (has('rf') && has('sio')) {
    const rfS = f('rf', 'joinLeaveFresh.serversCpuPerPairUs');
    const rfR = f('rf', 'joinLeaveFresh.redisCpuPerPairUs');
    const sioS = f('sio', 'joinLeaveFresh.serversCpuPerPairUs');
    const one = has('rf-sio1') && has('sio1') ? ` Without Redis, on one server, the same join+leave over Socket.IO costs the .NET server ${us(f('rf-sio1', 'joinLeaveFresh.serversCpuPerPairUs'))} against Node's ${us(f('sio1', 'joinLeaveFresh.serversCpuPerPairUs'))} (${x(f('rf-sio1', 'joinLeaveFresh.serversCpuPerPairUs'), f('sio1', 'joinLeaveFresh.serversCpuPerPairUs'))}): that much of the gap is the per-call cost of the .NET path (Kestrel, the hub dispatch, RoomFacade's join) before any scale-out.` : '';
    L.push(`- **Join+leave CPU.** RoomFacade's backplane: ${us(rfS)} in the two server processes + ${us(rfR)} in Redis per join+leave (one EVALSHA per join or leave, ${n2(rounds('rf')[0]?.commandCount?.fresh?.inScriptsPerOp)} commands inside it). Socket.IO: ${us(sioS)} in the nodes and ${us(f('sio', 'joinLeaveFresh.redisCpuPerPairUs'))} in Redis — its redis-adapter keeps room membership in each node's memory and sends Redis nothing on a join, so it has no shared index to write (and its \`fetchSockets\` asks every node instead).${one} The stock backplane: ${us(f('stock', 'joinLeaveFresh.serversCpuPerPairUs'))} + ${us(f('stock', 'joinLeaveFresh.redisCpuPerPairUs'))} (SUBSCRIBE or UNSUBSCRIBE plus the index script per join or leave).`);
    const m = (k) => f(k, 'broadcast.serverCpuPerMessageUs');
    const one2 = has('rf-sio1') && has('sio1') ? ` On one server without Redis, through the Socket.IO endpoint: ${us(m('rf-sio1'))} against Node's ${us(m('sio1'))} (${x(m('rf-sio1'), m('sio1'))}).` : '';
    L.push(`- **Broadcast CPU.** Server CPU per delivered message: RoomFacade's backplane ${us(m('rf'))}, stock ${us(m('stock'))}, Socket.IO ${us(m('sio'))} (${x(m('rf'), m('sio'))} of Socket.IO's; target ≤ 0.67×).${one2} Every room here has members on both servers, so every message costs one PUBLISH and one delivery path per server in all three systems; what differs is the per-delivery work of each server.`);
    L.push(`- **clients(room).** p50 ${ms(f('rf', 'clientsQuery.latency.p50Ms'))} (RoomFacade's backplane), ${ms(f('stock', 'clientsQuery.latency.p50Ms'))} (stock), ${ms(f('sio', 'clientsQuery.latency.p50Ms'))} (Socket.IO \`fetchSockets\`), ${ms(f('rf-sio1', 'clientsQuery.latency.p50Ms'))} / ${ms(f('sio1', 'clientsQuery.latency.p50Ms'))} on one server without Redis (the floor: one client round trip). ${f('rf', 'clientsQuery.latency.p50Ms') / f('sio', 'clientsQuery.latency.p50Ms') <= 0.35 ? 'Below 0.35× of `fetchSockets` in this run, but read it with the per-round spread in the targets table: both figures are a fraction of a millisecond on loopback and move with the machine\'s load.' : 'The gap to the 0.35× target is what a loopback Redis round trip plus the hub call costs next to Socket.IO\'s ask-the-other-node round trip, which is itself short on one machine.'}`);
  }
  if (has('rf-sio1') && has('sio1')) {
    const rss = (k) => f(k, 'storm.rssPerConnectionBytes');
    const heap = (k) => f(k, 'storm.heapPerConnectionBytes');
    const types = rounds('rf-sio1').map((r) => r.storm?.heapTypesPerConnection).find(Boolean);
    const typeText = types ? ` The types that grew most per connection (\`dotnet-gcdump report\`, first storm): ${types.slice(0, 6).map((t) => `\`${t.type.length > 70 ? `${t.type.slice(0, 70)}…` : t.type}\` ${n0(t.bytes)} B (${n2(t.objects)} objects)`).join(', ')}.` : '';
    L.push(`- **Memory per Socket.IO connection (issue 12).** RSS ${kb(rss('rf-sio1'))} (RoomFacade's endpoint) against ${kb(rss('sio1'))} (Node)${heap('rf-sio1') != null ? `; live GC heap ${kb(heap('rf-sio1'))} against ${kb(heap('sio1'))}` : ''}. A Socket.IO connection to RoomFacade is an Engine.IO session plus a SignalR connection of the hub (its pipes, buffers and connection context), with ASP.NET Core's server GC behind the RSS.${typeText}`);
  }
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
