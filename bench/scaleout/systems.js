'use strict';
// The systems under test: each is one or two server processes (the ChatRooms example on .NET, or the Socket.IO peer
// bench/socketio/server.js on Node), behind a redis-server of its own when it scales out. Also the probes read from
// outside: CPU and RSS of every server process (/proc/PID), redis-server's CPU (INFO cpu) and its command counts
// (INFO commandstats).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { createClient } = require('redis');
const shared = require('../Shared/util');

/** CPU seconds of a server process; 0 once it is gone (a killed server). */
function procCpuSeconds(pid) {
  try {
    return shared.procCpuSeconds(pid);
  } catch {
    return 0;
  }
}

const ROOT = path.resolve(__dirname, '..', '..');
const CHATROOMS_DIR = path.join(ROOT, 'examples', 'ChatRooms');
const SOCKETIO_SERVER = path.join(ROOT, 'bench', 'socketio', 'server.js');

/** Every system the driver knows: what runs, how many servers, which client drives it. */
const SYSTEMS = {
  rf: { label: 'ChatRooms, RoomFacade backplane, 2 servers + Redis', kind: 'dotnet', servers: 2, redis: true, backplane: 'RoomFacade', client: 'signalr' },
  stock: { label: 'ChatRooms, SignalR stock Redis backplane, 2 servers + Redis', kind: 'dotnet', servers: 2, redis: true, backplane: 'SignalR', client: 'signalr' },
  sio: { label: 'Socket.IO 4.8 + redis-adapter, 2 nodes + Redis', kind: 'node', servers: 2, redis: true, client: 'sio' },
  'rf-sio2': { label: 'ChatRooms Socket.IO endpoint, RoomFacade backplane, 2 servers + Redis', kind: 'dotnet', servers: 2, redis: true, backplane: 'RoomFacade', client: 'sio' },
  'rf-sio1': { label: 'ChatRooms Socket.IO endpoint, 1 server (in-memory index)', kind: 'dotnet', servers: 1, redis: false, client: 'sio' },
  sio1: { label: 'Socket.IO 4.8, 1 node (in-memory adapter)', kind: 'node', servers: 1, redis: false, client: 'sio' },
};



function procRssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has been busy (every process, other tenants included): /proc/stat. */
function machineBusySeconds() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, v) => a + v, 0);
    return (total - f[3] - f[4]) / shared.clockTicks; // minus idle and iowait
  } catch {
    return 0;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when a line of the child's output matches; rejects after ms or when the child exits first. */
function waitForOutput(child, regex, ms, what) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => { cleanup(); reject(new Error(`${what} not ready within ${ms} ms: ${buffer.slice(-500)}`)); }, ms);
    const onData = (d) => {
      buffer += d.toString();
      const m = regex.exec(buffer);
      if (m) { cleanup(); resolve(m); }
    };
    const onExit = (code) => { cleanup(); reject(new Error(`${what} exited with ${code}: ${buffer.slice(-500)}`)); };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
  });
}

function parseInfo(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

class Processes {
  constructor(logDir) {
    this.children = [];
    this.logDir = logDir;
  }

  spawn(name, command, args, options) {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    child.benchName = name;
    this.children.push(child);
    if (this.logDir) {
      const log = fs.createWriteStream(path.join(this.logDir, `${name}.log`));
      child.stdout.pipe(log);
      child.stderr.pipe(log);
    } else {
      child.stdout.resume();
      child.stderr.resume();
    }
    return child;
  }

  killAll() {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  }

  /** Stops the servers first, then the redis-servers (so that no server logs Redis vanishing under it). */
  async stopAll(ms = 8000) {
    await this.stop((c) => !c.benchName.endsWith('-redis'), ms);
    await this.stop(() => true, ms);
  }

  async stop(which, ms) {
    const alive = this.children.filter((c) => which(c) && c.exitCode === null && c.signalCode === null);
    await Promise.race([
      Promise.all(alive.map((c) => new Promise((resolve) => { c.once('exit', resolve); c.kill('SIGTERM'); }))),
      new Promise((resolve) => setTimeout(resolve, ms)),
    ]);
    for (const c of alive) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

async function startRedis(procs, name) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-scaleout-redis-'));
  const child = procs.spawn(name, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no', '--dir', dir]);
  await waitForOutput(child, /Ready to accept connections/, 15000, 'redis-server');
  const info = createClient({ url: `redis://127.0.0.1:${port}` });
  info.on('error', (e) => console.error(`${name} probe error`, e.message));
  await info.connect();
  return { port, child, info };
}

async function startChatRooms(procs, name, def, redisPort, dll, maxSeconds) {
  const port = await freePort();
  const args = [dll, '--urls', `http://127.0.0.1:${port}`,
    // The example ships no appsettings: log warnings only (Information logs every request), and the host's start line.
    '--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information'];
  if (def.redis) args.push(`--ConnectionStrings:Redis=127.0.0.1:${redisPort}`, `--RoomFacade:Redis:Backplane=${def.backplane}`);
  const child = procs.spawn(name, 'dotnet', args, { cwd: CHATROOMS_DIR });
  await waitForOutput(child, /Now listening on/, 60000, `${name} (ChatRooms)`);
  const timer = setTimeout(() => child.kill('SIGTERM'), maxSeconds * 1000);
  timer.unref();
  return { pid: child.pid, url: `http://127.0.0.1:${port}`, child };
}

async function startNodeServer(procs, name, def, redisPort, maxSeconds) {
  const args = [SOCKETIO_SERVER, '--port', '0', '--max-seconds', String(maxSeconds)];
  args.push(...(def.redis ? ['--redis', `redis://127.0.0.1:${redisPort}`] : ['--no-redis']));
  const child = procs.spawn(name, process.execPath, ['--expose-gc', ...args]);
  const m = await waitForOutput(child, /READY (\d+)/, 20000, `${name} (socket.io)`);
  return { pid: child.pid, url: `http://127.0.0.1:${m[1]}`, child };
}

function run(command, args, ms) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, output }); });
    child.once('error', (e) => { clearTimeout(timer); resolve({ code: -1, output: e.message }); });
  });
}

// Live heap after a full GC, and bytes per type (the report's rows are size × count per type and size class).
async function gcdumpHeap(tool, pid) {
  if (!tool) return null;
  const file = path.join(os.tmpdir(), `rf-scaleout-${pid}-${Date.now()}.gcdump`);
  try {
    const collected = await run(tool, ['collect', '-p', String(pid), '-o', file], 120000);
    if (collected.code !== 0) return null;
    const report = await run(tool, ['report', file], 60000);
    const m = /([\d,]+)\s+GC Heap bytes/.exec(report.output);
    if (!m) return null;
    const types = {};
    for (const line of report.output.split('\n')) {
      const row = /^\s*([\d,]+)\s+([\d,]+)\s+(.+?)\s+\[/.exec(line);
      if (!row) continue;
      const type = row[3].replace(/ \(Bytes > \d+K\)$/, '');
      const t = (types[type] ??= { bytes: 0, count: 0 });
      t.bytes += Number(row[1].replace(/,/g, '')) * Number(row[2].replace(/,/g, ''));
      t.count += Number(row[2].replace(/,/g, ''));
    }
    return { bytes: Number(m[1].replace(/,/g, '')), types };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function nodeHeap(child) {
  const answer = waitForOutput(child, /HEAP (\d+)/, 10000, 'heap probe').then((m) => Number(m[1]), () => null);
  child.kill('SIGUSR2');
  return answer;
}

/** Starts one system: its redis-server (if any), then its servers. */
async function startSystem(procs, key, { chatroomsDll, maxSeconds }) {
  const def = SYSTEMS[key];
  if (!def) throw new Error(`unknown system '${key}' (known: ${Object.keys(SYSTEMS).join(', ')})`);
  const redis = def.redis ? await startRedis(procs, `${key}-redis`) : null;
  const servers = [];
  for (let i = 0; i < def.servers; i++) {
    const name = `${key}-server${i}`;
    servers.push(def.kind === 'dotnet'
      ? await startChatRooms(procs, name, def, redis?.port, chatroomsDll, maxSeconds)
      : await startNodeServer(procs, name, def, redis?.port, maxSeconds));
  }
  return new System(key, def, servers, redis);
}

class System {
  constructor(key, def, servers, redis) {
    this.key = key;
    this.def = def;
    this.servers = servers;
    this.redis = redis;
  }

  urls() { return this.servers.map((s) => s.url); }

  /** CPU seconds so far: the server processes, redis-server, and this driver (the clients). */
  async cpu() {
    let redis = 0;
    if (this.redis) {
      const info = parseInfo(await this.redis.info.info('cpu'));
      redis = Number(info.used_cpu_sys || 0) + Number(info.used_cpu_user || 0);
    }
    const own = process.cpuUsage();
    return {
      servers: this.servers.reduce((a, s) => a + procCpuSeconds(s.pid), 0),
      redis,
      client: (own.user + own.system) / 1e6,
      machine: machineBusySeconds(),
      wall: performance.now() / 1000,
    };
  }

  rssBytes() { return this.servers.reduce((a, s) => a + procRssBytes(s.pid), 0); }

  /**
   * Live GC heap of the servers after a full collection: `dotnet-gcdump collect` (it forces a gen-2 GC and walks the
   * heap) for .NET, `global.gc()` + heapUsed for Node (server.js answers SIGUSR2). Null when not measurable.
   */
  async heapBytes(gcdumpTool) {
    let total = 0;
    const types = {};
    for (const s of this.servers) {
      const heap = this.def.kind === 'dotnet' ? await gcdumpHeap(gcdumpTool, s.pid) : { bytes: await nodeHeap(s.child), types: null };
      if (heap?.bytes == null) return null;
      total += heap.bytes;
      for (const [k, v] of Object.entries(heap.types || {})) {
        const t = (types[k] ??= { bytes: 0, count: 0 });
        t.bytes += v.bytes;
        t.count += v.count;
      }
    }
    return { bytes: total, types: Object.keys(types).length ? types : null };
  }

  /** Calls per command so far (INFO commandstats), without the probe's own INFO calls; {} without Redis. */
  async commandCalls() {
    if (!this.redis) return {};
    const out = {};
    for (const [k, v] of Object.entries(parseInfo(await this.redis.info.info('commandstats')))) {
      const m = /calls=(\d+)/.exec(v);
      if (m && k.startsWith('cmdstat_') && k !== 'cmdstat_info') out[k.slice('cmdstat_'.length)] = Number(m[1]);
    }
    return out;
  }

  /** Waits (bounded) until the servers are close to idle, so that one workload's tail does not weigh on the next. */
  async settle(maxMs = 15000) {
    const deadline = performance.now() + maxMs;
    let prev = await this.cpu();
    while (performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      const cur = await this.cpu();
      const busy = (cur.servers + cur.redis - prev.servers - prev.redis) / (cur.wall - prev.wall);
      prev = cur;
      if (busy < 0.15) return;
    }
  }
}

/** Differences between two samples of System.cpu(). */
function cpuDelta(a, b) {
  const wall = b.wall - a.wall;
  const servers = b.servers - a.servers;
  const redis = b.redis - a.redis;
  const client = b.client - a.client;
  return {
    wall, servers, redis, server: servers + redis, client,
    serverCores: (servers + redis) / wall, clientCores: client / wall, machineCores: (b.machine - a.machine) / wall,
  };
}

function commandDelta(a, b) {
  const out = {};
  for (const [k, v] of Object.entries(b)) {
    const d = v - (a[k] || 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

const SUBSCRIBE_COMMANDS = ['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe'];
const sumOf = (calls, names) => names.reduce((a, n) => a + (calls[n] || 0), 0);
const totalCalls = (calls) => Object.values(calls).reduce((a, v) => a + v, 0);

module.exports = { SYSTEMS, Processes, startSystem, cpuDelta, commandDelta, SUBSCRIBE_COMMANDS, sumOf, totalCalls, freePort };
