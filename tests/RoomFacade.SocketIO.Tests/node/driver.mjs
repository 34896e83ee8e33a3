// Drives real socket.io-client sockets for the RoomFacade.SocketIO end-to-end tests.
// Reads one JSON command per line on stdin and writes one JSON event per line on stdout.
// Binary values travel as {"$binary": "<base64>"} in both directions.
import { io } from "socket.io-client";
import readline from "node:readline";

const sockets = new Map();
const pending = new Map(); // listeners registered before their socket exists

function listen(name, socket, cmd) {
  socket.on(cmd.event, (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    out({ ev: "event", name, event: cmd.event, args });
    if (ack) ack(...decode(cmd.reply ?? []));
  });
}
const out = (o) => process.stdout.write(JSON.stringify(o, (k, v) => encode(v)) + "\n");

function encode(v) {
  if (v && v.type === "Buffer" && Array.isArray(v.data)) return { $binary: Buffer.from(v.data).toString("base64") };
  if (v instanceof ArrayBuffer) return { $binary: Buffer.from(v).toString("base64") };
  return v;
}

function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === "object") {
    if (typeof v.$binary === "string") return Buffer.from(v.$binary, "base64");
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

function handle(cmd) {
  const s = sockets.get(cmd.name);
  switch (cmd.op) {
    case "connect": {
      const socket = io(cmd.url, { reconnection: false, forceNew: !!cmd.forceNew, ...(cmd.opts ?? {}) });
      sockets.set(cmd.name, socket);
      for (const l of pending.get(cmd.name) ?? []) listen(cmd.name, socket, l);
      pending.delete(cmd.name);
      socket.on("connect", () => out({ ev: "connect", name: cmd.name, id: socket.id, sid: socket.io.engine.id, transport: socket.io.engine.transport.name }));
      socket.on("connect_error", (err) => out({ ev: "connect_error", name: cmd.name, message: err.message, data: err.data ?? null, active: socket.active }));
      socket.on("disconnect", (reason) => out({ ev: "disconnect", name: cmd.name, reason, active: socket.active }));
      socket.io.on("open", () => socket.io.engine.on("upgrade", (t) => out({ ev: "upgrade", name: cmd.name, transport: t.name })));
      break;
    }
    case "on":
      if (s) listen(cmd.name, s, cmd);
      else pending.set(cmd.name, [...(pending.get(cmd.name) ?? []), cmd]);
      break;
    case "emit":
      s.emit(cmd.event, ...decode(cmd.args ?? []));
      break;
    case "emitWithAck":
      s.timeout(cmd.timeout ?? 5000).emitWithAck(cmd.event, ...decode(cmd.args ?? []))
        .then((result) => out({ ev: "ack", name: cmd.name, tag: cmd.tag, result: result === undefined ? null : result }))
        .catch((err) => out({ ev: "ack_error", name: cmd.name, tag: cmd.tag, message: err.message }));
      break;
    case "transport":
      out({ ev: "transport", name: cmd.name, transport: s.io.engine.transport.name });
      break;
    case "disconnect":
      s.disconnect();
      break;
    case "exit":
      process.exit(0);
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  try {
    handle(JSON.parse(line));
  } catch (err) {
    out({ ev: "driver_error", message: String(err && err.stack || err) });
  }
}).on("close", () => process.exit(0));
out({ ev: "ready" });
