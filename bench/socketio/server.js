'use strict';
// One Socket.IO 4.8 node with @socket.io/redis-adapter: the Node peer of the RoomFacade benchmark servers.
// Usage: node server.js --port 0 --redis redis://127.0.0.1:6379 [--max-seconds 900]
//        node server.js --port 0 --no-redis          one node alone, Socket.IO's in-memory adapter (no Redis)
// Besides the driver's own short events (join, leave, clients, rooms, b) it offers the contract of the example
// hub (examples/ChatRooms, RoomsHub) under the same event names, used by bench/scaleout with socket.io-client.
// Prints "READY <port>" once it listens; exits on SIGTERM/SIGINT, when stdin closes, or after --max-seconds.
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', '0'));
const redisUrl = arg('redis', 'redis://127.0.0.1:6379');
const maxSeconds = Number(arg('max-seconds', '900'));
const useRedis = !process.argv.includes('--no-redis');

async function main() {
  const redisClients = [];
  let adapter;
  if (useRedis) {
    const pubClient = createClient({ url: redisUrl });
    const subClient = pubClient.duplicate();
    pubClient.on('error', (e) => console.error('redis pub error', e.message));
    subClient.on('error', (e) => console.error('redis sub error', e.message));
    await Promise.all([pubClient.connect(), subClient.connect()]);
    redisClients.push(pubClient, subClient);
    adapter = createAdapter(pubClient, subClient);
  }

  const httpServer = http.createServer();
  const io = new Server(httpServer, {
    ...(adapter ? { adapter } : {}),
    transports: ['websocket'],
    serveClient: false,
  });

  io.on('connection', (socket) => {
    // socket.join(room) / socket.leave(room), acknowledged so the driver knows the membership is in place.
    socket.on('join', (room, ack) => { socket.join(room); ack?.(); });
    socket.on('leave', (room, ack) => { socket.leave(room); ack?.(); });
    // clients(room) across nodes: io.in(room).fetchSockets() asks every node through Redis.
    // The ack carries the number of sockets found and the server-side time of the query (ms).
    socket.on('clients', async (room, ack) => {
      try {
        const start = performance.now();
        const sockets = await io.in(room).fetchSockets();
        ack({ n: sockets.length, ms: performance.now() - start });
      } catch (e) {
        ack({ error: e.message });
      }
    });
    // manager.rooms across nodes: adapter.allRooms() asks every node through Redis (room names only, no members).
    socket.on('rooms', async (ack) => {
      try {
        const start = performance.now();
        const rooms = await io.of('/').adapter.allRooms();
        ack({ n: rooms.size, ms: performance.now() - start });
      } catch (e) {
        ack({ error: e.message });
      }
    });
    // Room broadcast: io.to(room).emit(...), delivered to members on both nodes.
    socket.on('b', (room, sender, t) => { io.to(room).emit('m', sender, t); });

    // The example hub's contract (RoomsHub), same names and semantics; an ack, when asked for, carries the result.
    const message = (room, text) => ({ room, from: socket.id, text });
    socket.on('Subscribe', (room, ack) => { socket.join(room); ack?.(); });
    socket.on('Unsubscribe', (room, ack) => { socket.leave(room); ack?.(); });
    socket.on('BroadcastToRoom', (room, text, ack) => { socket.broadcast.to(room).emit('message', message(room, text)); ack?.(); });
    socket.on('EmitToRoom', (room, text, ack) => { io.in(room).emit('message', message(room, text)); ack?.(); });
    // A failing call answers { error } (as RoomFacade's Socket.IO endpoint does for a failing hub method).
    socket.on('GetClients', (room, ack) => {
      io.in(room).fetchSockets().then((sockets) => ack?.(sockets.map((s) => s.id)), (e) => ack?.({ error: e.message }));
    });
    socket.on('FetchSockets', (rooms, except, ack) => {
      io.in(rooms).except(except).fetchSockets()
        .then((sockets) => ack?.(sockets.map((s) => ({ id: s.id, rooms: [...s.rooms] }))), (e) => ack?.({ error: e.message }));
    });
  });

  await new Promise((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  console.log(`READY ${httpServer.address().port}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 3000).unref(); // bounded shutdown
    io.close();
    await Promise.allSettled(redisClients.map((c) => c.quit()));
    process.exit(0);
  };
  // Redis going away while stopping (the driver's script shuts it down) is not an error worth a stack trace.
  process.on('unhandledRejection', (e) => {
    if (stopping) process.exit(0);
    console.error(e);
    process.exit(1);
  });
  // Heap probe for the benchmarks: on SIGUSR2, a full GC (when started with --expose-gc), then "HEAP <bytes>" on stdout.
  process.on('SIGUSR2', () => {
    global.gc?.();
    console.log(`HEAP ${process.memoryUsage().heapUsed}`);
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  setTimeout(stop, maxSeconds * 1000).unref();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
