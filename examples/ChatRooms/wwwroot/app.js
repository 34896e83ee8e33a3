// ChatRooms browser client. Plain JavaScript on top of the official SignalR client (lib/signalr/signalr.min.js) or
// the official Socket.IO client (lib/socket.io/socket.io.min.js), both copied from npm at build time. Over Socket.IO
// every hub method is an event of the same name answered by an ack, and SignalR sends arrive as events.
//
// Query string (optional): ?client=socket.io picks the Socket.IO client, ?hub=/news selects the namespace, ?room=lobby fills the room box, ?autoconnect=1 connects
// on load and then joins the room if one was given.
(function () {
    "use strict";

    // Hub path -> Socket.IO namespace name, as the server maps them (ChatRoomsApp.cs).
    const NAMESPACES = { "/chat": "", "/news": "/news" };

    const $ = (id) => document.getElementById(id);
    const ui = {
        hub: $("hub"), client: $("client"), connect: $("connect"), status: $("status"), me: $("me"),
        room: $("room"), join: $("join"), leave: $("leave"),
        text: $("text"), send: $("send"), broadcast: $("broadcast"), sendAll: $("sendAll"),
        error: $("error"), messages: $("messages"), clearMessages: $("clearMessages"),
        rooms: $("rooms"), refresh: $("refresh"), members: $("members"), membersRoom: $("membersRoom"),
    };
    const needConnection = [ui.join, ui.leave, ui.send, ui.broadcast, ui.sendAll, ui.refresh];

    let connection = null;
    let state = "disconnected"; // disconnected | connecting | connected | disconnecting

    // ---- errors ------------------------------------------------------------------------------------------------

    // A HubException reaches the client as "An unexpected error occurred invoking 'X' on the server. HubException: msg".
    function describeError(method, err) {
        const raw = (err && err.message) ? err.message : String(err);
        const marker = "HubException: ";
        const at = raw.indexOf(marker);
        const text = at >= 0 ? raw.substring(at + marker.length) : raw;
        return method ? method + ": " + text : text;
    }

    function showError(method, err) {
        ui.error.textContent = describeError(method, err);
        ui.error.title = (err && err.message) ? err.message : String(err);
    }

    function clearError() {
        ui.error.textContent = "";
        ui.error.removeAttribute("title");
    }

    // ---- connection --------------------------------------------------------------------------------------------

    function setState(next, detail) {
        state = next;
        document.body.dataset.state = next;
        const connected = next === "connected";
        ui.status.textContent = detail || next;
        ui.me.textContent = connected && connection ? (connection.connectionId || "") : "";
        ui.connect.textContent = next === "disconnected" ? "Connect" : "Disconnect";
        ui.connect.disabled = next === "connecting" || next === "disconnecting";
        ui.hub.disabled = next !== "disconnected";
        ui.client.disabled = next !== "disconnected";
        for (const button of needConnection) button.disabled = !connected;
        if (!connected) renderPanels(null, null);
    }

    // A Socket.IO socket dressed as the SignalR HubConnection this page uses: invoke = emitWithAck (an ack
    // {"error": "..."} is a failed hub method), on = socket.on, connectionId = socket.id.
    function socketIoConnection(hubPath) {
        const socket = io(NAMESPACES[hubPath] || "/", { path: "/socket.io", autoConnect: false, reconnection: false });
        const closeHandlers = [];
        let stopping = false;
        socket.on("disconnect", (reason) => {
            for (const handler of closeHandlers) handler(stopping ? undefined : new Error("Socket.IO: " + reason));
        });
        return {
            get connectionId() { return socket.id; },
            on: (event, handler) => socket.on(event, handler),
            onclose: (handler) => closeHandlers.push(handler),
            start: () => new Promise((resolve, reject) => {
                socket.once("connect", resolve);
                socket.once("connect_error", reject);
                socket.connect();
            }),
            stop: async () => { stopping = true; socket.disconnect(); },
            invoke: async (method, ...args) => {
                const result = await socket.timeout(10000).emitWithAck(method, ...args);
                if (result && typeof result === "object" && !Array.isArray(result) && typeof result.error === "string" && Object.keys(result).length === 1) {
                    throw new Error(result.error);
                }
                return result;
            },
        };
    }

    async function connect() {
        const useSocketIo = ui.client.value === "socket.io";
        if (useSocketIo ? typeof io === "undefined" : typeof signalR === "undefined") {
            showError(null, "The " + (useSocketIo ? "Socket.IO" : "SignalR") + " client (lib/) did not load: build the project (dotnet build) so it is copied from npm.");
            return false;
        }
        const hubPath = ui.hub.value;
        const conn = useSocketIo ? socketIoConnection(hubPath) : new signalR.HubConnectionBuilder()
            .withUrl(hubPath)
            .configureLogging(signalR.LogLevel.Warning)
            .build();
        conn.on("message", onMessage);
        conn.onclose((err) => {
            if (connection !== conn) return;
            connection = null;
            if (err) showError("connection", err);
            setState("disconnected");
        });

        connection = conn;
        setState("connecting", "connecting to " + hubPath + "…");
        try {
            await conn.start();
        } catch (err) {
            if (connection === conn) connection = null;
            showError("connect " + hubPath, err);
            setState("disconnected");
            return false;
        }
        setState("connected", "connected to " + (useSocketIo ? "/socket.io/ " : "") + hubPath + " (namespace " + JSON.stringify(NAMESPACES[hubPath] ?? hubPath) + ")");
        await refreshPanels();
        return true;
    }

    async function disconnect() {
        const conn = connection;
        if (!conn) return;
        setState("disconnecting", "disconnecting…");
        try {
            await conn.stop(); // onclose resets the state
        } finally {
            if (connection === conn) {
                connection = null;
                setState("disconnected");
            }
        }
    }

    // Invokes a hub method; shows a failure on the page and rethrows it.
    async function invoke(method, ...args) {
        if (!connection || state !== "connected") {
            const err = new Error("not connected");
            showError(method, err);
            throw err;
        }
        try {
            return await connection.invoke(method, ...args);
        } catch (err) {
            showError(method, err);
            throw err;
        }
    }

    // Invokes a query for the panels; a failure is shown only if no other error is on the page (so a background
    // refresh does not hide the error of what the user just did).
    async function query(method, ...args) {
        if (!connection || state !== "connected") return null;
        try {
            return await connection.invoke(method, ...args);
        } catch (err) {
            if (ui.error.textContent === "") showError(method, err);
            return null;
        }
    }

    // Runs a user action: clears the last error, invokes, then refreshes the rooms panels.
    async function act(method, ...args) {
        clearError();
        try {
            await invoke(method, ...args);
        } catch {
            return; // already on the page
        }
        scheduleRefresh();
    }

    // ---- messages ----------------------------------------------------------------------------------------------

    function onMessage(message) {
        const room = message ? message.room : null;
        const from = message ? message.from : "";
        const text = message ? message.text : "";

        const li = document.createElement("li");
        li.className = "message";
        li.dataset.room = room === null || room === undefined ? "" : room;
        li.dataset.from = from;

        const roomSpan = document.createElement("span");
        roomSpan.className = room === null || room === undefined ? "room all" : "room";
        roomSpan.textContent = room === null || room === undefined ? "[everyone]" : "[" + room + "]";

        const fromSpan = document.createElement("span");
        fromSpan.className = "from";
        fromSpan.textContent = from;
        if (connection && from === connection.connectionId) {
            fromSpan.classList.add("mine");
            fromSpan.title = "me";
        }

        const textSpan = document.createElement("span");
        textSpan.className = "text";
        textSpan.textContent = text;

        li.append(roomSpan, " ", fromSpan, ": ", textSpan);
        ui.messages.append(li);
        li.scrollIntoView({ block: "nearest" });

        scheduleRefresh();
    }

    // ---- rooms and members -------------------------------------------------------------------------------------

    // A manager.rooms key in Socket.IO 0.9 format: "" = every connection of the default namespace, "/news" = every
    // connection of /news, "/lobby" = room lobby of the default namespace, "/news/lobby" = room lobby of /news.
    // (As in Socket.IO 0.9, a default-namespace room named like a namespace has the same key as that namespace.)
    function describeKey(key) {
        const named = Object.values(NAMESPACES).filter((ns) => ns !== "").sort((a, b) => b.length - a.length);
        if (key === "") return { ns: "", room: "", label: "everyone in the default namespace" };
        for (const ns of named) {
            if (key === ns) return { ns, room: "", label: "everyone in " + ns };
            if (key.startsWith(ns + "/")) {
                const room = key.substring(ns.length + 1);
                return { ns, room, label: "room " + JSON.stringify(room) + " in " + ns };
            }
        }
        const room = key.substring(1);
        return { ns: "", room, label: "room " + JSON.stringify(room) + " in the default namespace" };
    }

    function currentNamespace() {
        return NAMESPACES[ui.hub.value] ?? ui.hub.value;
    }

    function memberItem(id, className) {
        const li = document.createElement("li");
        li.className = className;
        li.textContent = id;
        li.dataset.id = id;
        if (connection && id === connection.connectionId) {
            li.classList.add("mine");
            li.title = "me";
        }
        return li;
    }

    function renderPanels(rooms, members, selected = ui.room.value) {
        const me = connection ? connection.connectionId : null;
        ui.membersRoom.textContent = selected === "" ? "everyone in this namespace" : JSON.stringify(selected);

        ui.rooms.replaceChildren();
        if (rooms) {
            const keys = Object.keys(rooms).sort();
            for (const key of keys) {
                const info = describeKey(key);
                const ids = rooms[key] || [];
                const li = document.createElement("li");
                li.className = "room-entry";
                li.dataset.key = key;
                if (me && ids.includes(me)) li.classList.add("joined");
                if (info.ns === currentNamespace() && info.room === selected) li.classList.add("selected");

                const head = document.createElement("div");
                head.className = "room-head";
                const keySpan = document.createElement("code");
                keySpan.className = "key";
                keySpan.textContent = JSON.stringify(key);
                const label = document.createElement("span");
                label.className = "label";
                label.textContent = info.label + " — " + ids.length + (ids.length === 1 ? " client" : " clients");
                head.append(keySpan, " ", label);

                const list = document.createElement("ul");
                list.className = "room-clients";
                for (const id of ids) list.append(memberItem(id, "room-client"));
                li.append(head, list);

                // Rooms of the connected namespace can be selected: fills the room box and shows its members.
                if (info.ns === currentNamespace() && info.room !== "") {
                    li.classList.add("selectable");
                    li.title = "select room " + JSON.stringify(info.room);
                    li.addEventListener("click", () => {
                        ui.room.value = info.room;
                        scheduleRefresh();
                    });
                }
                ui.rooms.append(li);
            }
        }

        ui.members.replaceChildren();
        if (members) {
            for (const id of members) ui.members.append(memberItem(id, "member"));
        }
    }

    async function refreshPanels() {
        if (!connection || state !== "connected") {
            renderPanels(null, null);
            return;
        }
        const selected = ui.room.value;
        const [rooms, members] = await Promise.all([query("GetRooms"), query("GetClients", selected)]);
        renderPanels(rooms, members, selected);
        ui.rooms.dataset.version = String(Number(ui.rooms.dataset.version || "0") + 1);
    }

    // Coalesces refresh requests (a burst of messages triggers one or two refreshes, not one each).
    let refreshing = null;
    let refreshAgain = false;
    function scheduleRefresh() {
        if (refreshing) {
            refreshAgain = true;
            return refreshing;
        }
        refreshing = (async () => {
            do {
                refreshAgain = false;
                await refreshPanels();
            } while (refreshAgain);
        })().finally(() => { refreshing = null; });
        return refreshing;
    }

    // ---- wiring ------------------------------------------------------------------------------------------------

    ui.connect.addEventListener("click", () => {
        clearError();
        if (state === "disconnected") connect();
        else disconnect();
    });
    ui.join.addEventListener("click", () => act("Subscribe", ui.room.value));
    ui.leave.addEventListener("click", () => act("Unsubscribe", ui.room.value));
    ui.send.addEventListener("click", () => act("EmitToRoom", ui.room.value, ui.text.value));
    ui.broadcast.addEventListener("click", () => act("BroadcastToRoom", ui.room.value, ui.text.value));
    ui.sendAll.addEventListener("click", () => act("EmitToAll", ui.text.value));
    ui.refresh.addEventListener("click", () => { clearError(); scheduleRefresh(); });
    ui.clearMessages.addEventListener("click", () => ui.messages.replaceChildren());

    ui.room.addEventListener("keydown", (e) => { if (e.key === "Enter" && !ui.join.disabled) ui.join.click(); });
    ui.text.addEventListener("keydown", (e) => { if (e.key === "Enter" && !ui.send.disabled) ui.send.click(); });

    let roomInputTimer = 0;
    ui.room.addEventListener("input", () => {
        clearTimeout(roomInputTimer);
        roomInputTimer = setTimeout(scheduleRefresh, 250);
    });

    // ---- start -------------------------------------------------------------------------------------------------

    const params = new URLSearchParams(window.location.search);
    const hubParam = params.get("hub");
    if (hubParam) {
        const wanted = hubParam.startsWith("/") ? hubParam : "/" + hubParam;
        if (Object.prototype.hasOwnProperty.call(NAMESPACES, wanted)) ui.hub.value = wanted;
    }
    const roomParam = params.get("room");
    if (roomParam !== null) ui.room.value = roomParam;
    if (params.get("client") === "socket.io") ui.client.value = "socket.io";

    setState("disconnected");

    const auto = params.get("autoconnect");
    if (auto !== null && auto !== "0" && auto !== "false") {
        connect().then((ok) => {
            if (ok && roomParam) act("Subscribe", roomParam);
        });
    }
})();
