'use strict';
// One client interface over the two official JS clients: @microsoft/signalr against the example's hub at /chat, and
// socket.io-client against a Socket.IO server (namespace "/"). Every call is bounded by a timeout.
const signalR = require('@microsoft/signalr');
const { io } = require('socket.io-client');
const { withTimeout, forEachLimited } = require('../Shared/util');

const CALL_TIMEOUT_MS = 15000;

async function connectSignalR(baseUrl, timeoutMs) {
  // WebSockets only, as the socket.io-client side; negotiation as a default client does it.
  const conn = new signalR.HubConnectionBuilder()
    .withUrl(`${baseUrl}/chat`, { transport: signalR.HttpTransportType.WebSockets })
    .configureLogging(signalR.LogLevel.None)
    .build();
  try {
    await withTimeout(conn.start(), timeoutMs, 'SignalR connect');
  } catch (e) {
    conn.stop().catch(() => {});
    throw e;
  }
  return {
    call: (method, ...args) => withTimeout(conn.invoke(method, ...args), CALL_TIMEOUT_MS, method),
    send: (method, ...args) => { conn.send(method, ...args).catch(() => {}); },
    on: (event, fn) => conn.on(event, fn),
    off: (event) => conn.off(event),
    close: () => withTimeout(conn.stop(), 10000, 'SignalR stop').catch(() => {}),
  };
}

function connectSocketIO(baseUrl, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
    const timer = setTimeout(() => { socket.close(); reject(new Error('Socket.IO connect timed out')); }, timeoutMs + 1000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({
        call: async (method, ...args) => {
          const result = await socket.timeout(CALL_TIMEOUT_MS).emitWithAck(method, ...args);
          if (result && typeof result === 'object' && !Array.isArray(result) && typeof result.error === 'string') throw new Error(`${method}: ${result.error}`);
          return result;
        },
        send: (method, ...args) => { socket.emit(method, ...args); },
        on: (event, fn) => socket.on(event, fn),
        off: (event) => socket.off(event),
        close: async () => { socket.disconnect(); },
      });
    });
    socket.once('connect_error', (e) => { clearTimeout(timer); socket.close(); reject(e); });
  });
}

/** Connects one client of the given kind ('signalr' | 'sio') to a server's base URL. */
function connectClient(kind, baseUrl, timeoutMs = 20000) {
  return kind === 'signalr' ? connectSignalR(baseUrl, timeoutMs) : connectSocketIO(baseUrl, timeoutMs);
}

/** Connects n clients, client i to server i % servers, at most `concurrency` connects in flight. */
async function connectMany(system, n, concurrency) {
  const urls = system.urls();
  const clients = new Array(n);
  await forEachLimited([...Array(n).keys()], concurrency, async (i) => {
    clients[i] = await connectClient(system.def.client, urls[i % urls.length]);
  });
  return clients;
}

async function closeMany(clients, concurrency = 200) {
  await forEachLimited(clients.filter(Boolean), concurrency, (c) => c.close());
}

module.exports = { connectClient, connectMany, closeMany, forEachLimited, withTimeout };
