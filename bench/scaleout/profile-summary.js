'use strict';
// Summarises a dotnet-trace Speedscope file (profile dotnet-sampled-thread-time): the time every frame is on the
// stack (inclusive) and at the top of it (self), over the samples of threads that are running, not waiting.
// Thread-time sampling also samples blocked threads; a sample counts as waiting when its stack holds one of the
// runtime's wait frames below (thread-pool and scheduler idle waits, the socket event loop's epoll wait, timers).
// Usage: node profile-summary.js FILE.speedscope.json [--top 25] [--out summary.json]
const fs = require('node:fs');
const { arg } = require('../Shared/util');

const WAIT_FRAMES = [
  'System.Threading.Monitor.Wait(',
  'System.Threading.LowLevelLifoSemaphore.Wait',
  'System.Threading.WaitHandle.Wait',
  'System.Threading.ManualResetEventSlim.Wait(',
  'System.Threading.Thread.Sleep(',
  'System.Threading.Tasks.Task.SpinThenBlockingWait(',
  'Interop+Sys.WaitForSocketEvents(',
  'System.IO.FileSystem.Watcher!',
  'Kestrel.Core.Internal.Infrastructure.Heartbeat.TimerLoop(',
  'System.Threading.TimerQueue.TimerThread(',
  'System.Threading.PortableThreadPool+GateThread.GateThreadStart(',
];

// Idle loops that wait in native code without a managed wait frame: a sample whose innermost managed frame is one of
// these, with the thread in native code, is waiting (the scheduler's, the thread pool's and the socket engine's idle).
const IDLE_LEAVES = [
  'DedicatedThreadPoolPipeScheduler.RunWorkLoop(',
  'PortableThreadPool+WorkerThread.WorkerThreadStart(',
  'System.Net.Sockets.SocketAsyncEngine.EventLoop(',
];
const PSEUDO = new Set(['UNMANAGED_CODE_TIME', 'CPU_TIME', '?!?']);

// What a join+leave does, in a few overlapping groups: the share of running samples whose stack holds a frame of each.
const BUCKETS = [
  ['SignalR hub dispatch (the hub method and everything under it)', /SignalR\.Internal\.DefaultHubDispatcher/],
  ['SignalR stock backplane: group SUBSCRIBE / UNSUBSCRIBE (RedisHubLifetimeManager, RedisSubscriptionManager)', /StackExchangeRedis!.*(SubscribeToGroupAsync|UnsubscribeFromGroupAsync|RedisSubscriptionManager|AddGroupAsyncCore|RemoveGroupAsyncCore)/],
  ['RoomFacade index: the join/leave script (RedisRoomMembershipStore)', /RoomFacade\.Redis!.*RedisRoomMembershipStore/],
  ['RoomFacade backplane (RoomFacade.Redis.Backplane: lifetime manager, router, scripts)', /RoomFacade\.Redis!RoomFacade\.Redis\.Backplane\./],
  ['StackExchange.Redis: writing a command (write lock, pipe flush)', /StackExchange\.Redis!.*PhysicalBridge\.(WriteMessageTakingWriteLockAsync|TryWriteAsync)/],
  ['StackExchange.Redis: reading replies (ReadFromPipe, completing callers)', /StackExchange\.Redis!.*PhysicalConnection.*ReadFromPipe/],
  ['Pipelines.Sockets.Unofficial scheduler hand-off (Schedule → Monitor.Pulse)', /DedicatedThreadPoolPipeScheduler\.Schedule/],
  ['Contended locks (Monitor enter/exit slow paths, spinning)', /Monitor\.(Enter|Exit)_Slowpath|SpinWait\.SpinOnce/],
  ['Socket I/O (epoll loop, send, receive syscalls)', /SocketAsyncEngine\.EventLoop|SocketPal\.TryComplete/],
  ['Kestrel / WebSocket transport of the hub connections', /Kestrel|ManagedWebSocket|WebSocketsServerTransport/],
];

// Frames every stack has (process, thread, thread start, dispatch loops): not informative in a top list.
const GENERIC = [/^Process\d+ /, /^\(Non-Activities\)$/, /^Threads$/, /^Thread \(\d+\)$/, /Thread\.StartCallback\(/,
  /WorkerThread\.WorkerThreadStart\(/, /ThreadPoolWorkQueue\.Dispatch\(/, /ExecutionContext\.Run/, /^\?!\?$/,
  /ThreadPoolTypedWorkItemQueue/, /PortableThreadPool\+WorkerThread/, /Thread\+StartHelper/];

function summarise(file, top) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const names = doc.shared.frames.map((f) => f.name);
  const isWait = names.map((n) => WAIT_FRAMES.some((w) => n.includes(w)));
  const isGeneric = names.map((n) => GENERIC.some((g) => g.test(n)));
  const isIdleLeaf = names.map((n) => IDLE_LEAVES.some((w) => n.includes(w)));
  const isPseudo = names.map((n) => PSEUDO.has(n));
  const bucketMask = names.map((n) => BUCKETS.reduce((m, [, re], i) => (re.test(n) ? m | (1 << i) : m), 0));
  const bucketTime = new Float64Array(BUCKETS.length);
  // Who takes the contended locks: the nearest caller above the Monitor slow path that is not lock or async plumbing.
  const isSlowLock = names.map((n) => /Monitor\.(Enter|Exit)_Slowpath|SpinWait\.SpinOnce|LowLevelSpinWaiter/.test(n));
  const isPlumbing = names.map((n) => /Threading\.Monitor\.|SemaphoreSlim\.|SpinWait|LowLevelSpinWaiter|AsyncMethodBuilder|AsyncTaskMethodBuilder|AsyncValueTaskMethodBuilder|StateMachineBox|ExecutionContext|ManualResetEventSlim|Interop\+|UNMANAGED_CODE_TIME|CPU_TIME/.test(n));
  const lockCallers = new Map();
  let lockTime = 0;
  const inclusive = new Float64Array(names.length);
  const self = new Float64Array(names.length);
  const selfByModule = new Map();
  let sampled = 0;
  let busy = 0;
  for (const p of doc.profiles) {
    const stack = [];
    let waits = 0; // wait frames currently on the stack
    let last = null;
    for (const e of p.events) {
      if (last !== null && stack.length > 0) {
        const dt = e.at - last;
        sampled += dt;
        // Self: the innermost managed frame (native time is attributed to the managed caller that entered it).
        let leaf = stack.length - 1;
        while (leaf > 0 && isPseudo[stack[leaf]]) leaf--;
        const idle = isIdleLeaf[stack[leaf]] && names[stack[stack.length - 1]] !== 'CPU_TIME';
        if (waits === 0 && !idle) {
          busy += dt;
          let mask = 0;
          for (const f of new Set(stack)) {
            inclusive[f] += dt;
            mask |= bucketMask[f];
          }
          for (let i = 0; i < BUCKETS.length; i++) if (mask & (1 << i)) bucketTime[i] += dt;
          const lockAt = stack.findIndex((f) => isSlowLock[f]);
          if (lockAt > 0) {
            let c = lockAt - 1;
            while (c > 0 && isPlumbing[stack[c]]) c--;
            lockCallers.set(stack[c], (lockCallers.get(stack[c]) || 0) + dt);
            lockTime += dt;
          }
          self[stack[leaf]] += dt;
          const module = names[stack[leaf]].split('!')[0];
          selfByModule.set(module, (selfByModule.get(module) || 0) + dt);
        }
      }
      last = e.at;
      if (e.type === 'O') {
        stack.push(e.frame);
        if (isWait[e.frame]) waits++;
      } else {
        const f = stack.pop();
        if (f !== undefined && isWait[f]) waits--;
      }
    }
  }
  const pct = (t) => Math.round((t / busy) * 1000) / 10;
  const rank = (arr) => [...arr.keys()].filter((i) => arr[i] > 0 && !isGeneric[i] && !isPseudo[i])
    .sort((a, b) => arr[b] - arr[a]).slice(0, top).map((i) => ({ frame: names[i], percent: pct(arr[i]) }));
  // Where the running samples were: in managed code (CPU_TIME) or in native code (UNMANAGED_CODE_TIME: syscalls,
  // the runtime, GC) under the managed frame that called it.
  const pseudoIndex = (n) => names.indexOf(n);
  return {
    file,
    managedPercent: pseudoIndex('CPU_TIME') >= 0 ? pct(inclusive[pseudoIndex('CPU_TIME')]) : null,
    nativePercent: pseudoIndex('UNMANAGED_CODE_TIME') >= 0 ? pct(inclusive[pseudoIndex('UNMANAGED_CODE_TIME')]) : null,
    sampledMs: sampled,
    busyMs: busy,
    busyPercentOfSampled: Math.round((busy / sampled) * 1000) / 10,
    buckets: BUCKETS.map(([label], i) => ({ label, percent: pct(bucketTime[i]) })),
    lockCallers: [...lockCallers].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([f, t]) => ({ frame: names[f], percent: pct(t), percentOfLocks: Math.round((t / lockTime) * 1000) / 10 })),
    inclusive: rank(inclusive),
    self: rank(self),
    selfByModule: [...selfByModule].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([module, t]) => ({ module, percent: pct(t) })),
  };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node profile-summary.js FILE.speedscope.json [--top 25] [--out summary.json]');
    process.exit(2);
  }
  const summary = summarise(file, Number(arg('top', '25')));
  const json = JSON.stringify(summary, null, 2);
  const out = arg('out', '');
  if (out) fs.writeFileSync(out, json);
  else console.log(json);
}

module.exports = { summarise };
