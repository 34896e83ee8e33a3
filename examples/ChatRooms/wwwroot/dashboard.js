// ChatRooms rooms dashboard: draws every namespace, its rooms and their members from the RoomFacade diagnostics
// endpoint that ChatRoomsApp maps at /roomfacade (read-only JSON behind an authorization policy; the example allows
// requests from this machine only).
//
//   GET roomfacade                                 -> { namespaces: [{ name, connections, rooms: [{ name, members }] }],
//                                                       servers: null | [{ id, lastHeartbeat, isSelf }] }
//   GET roomfacade/room?namespace=/news&room=x     -> { namespace, room, members: [connection ids] }
//
// It polls once a second (the next poll starts a second after the previous one finished, so polls never overlap),
// stops while the page is hidden or paused, and shows failures (such as 403 from the policy) on the page.
//
// For tests: #namespaces holds one .namespace[data-namespace] per namespace, each room is a .room card with
// data-namespace and data-room, its members are .member elements inside; body[data-state] is loading | live |
// error | paused, and #namespaces[data-version] counts the successful polls.
(function () {
    "use strict";

    const POLL_INTERVAL_MS = 1000;
    const REQUEST_TIMEOUT_MS = 5000;
    const MAX_ROOMS_WITH_MEMBERS = 200;   // member look-ups per poll, over all namespaces
    const MAX_PARALLEL_REQUESTS = 6;
    const MAX_MEMBERS_SHOWN = 100;        // per room card

    // Namespace -> hub path of this example (ChatRoomsApp.cs), for the "open in the chat" links.
    const HUBS = { "": "/chat", "/news": "/news" };

    const $ = (id) => document.getElementById(id);
    const ui = { status: $("status"), pause: $("pause"), servers: $("servers"), error: $("error"), namespaces: $("namespaces") };

    let timer = 0;
    let inFlight = false;
    let paused = false;
    let lastSignature = null;
    let version = 0;

    // ---- HTTP --------------------------------------------------------------------------------------------------

    class HttpError extends Error {
        constructor(status, message) {
            super(message);
            this.status = status;
        }
    }

    function describeStatus(response, detail) {
        const head = response.status + (response.statusText ? " " + response.statusText : "");
        if (response.status === 401 || response.status === 403) {
            return head + ": the diagnostics endpoint refused this request. It is protected by an authorization policy; "
                + "this example allows requests from this machine (loopback) only.";
        }
        if (response.status === 404) {
            return head + ": no diagnostics endpoint here (the app maps it with MapRoomFacadeDiagnostics).";
        }
        return head + (detail ? ": " + detail : "");
    }

    // GET path as JSON; bounded by REQUEST_TIMEOUT_MS.
    async function getJson(path) {
        const url = new URL(path, document.baseURI);
        const shown = decodeURIComponent(url.pathname + url.search);
        const abort = new AbortController();
        const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
        try {
            let response;
            try {
                response = await fetch(url, { cache: "no-store", signal: abort.signal, headers: { Accept: "application/json" } });
            } catch (err) {
                if (abort.signal.aborted) throw new Error("GET " + shown + ": no answer within " + (REQUEST_TIMEOUT_MS / 1000) + " s");
                throw new Error("GET " + shown + ": " + (err && err.message ? err.message : String(err)) + " (is the server running?)");
            }
            if (!response.ok) {
                let detail = "";
                try {
                    const problem = await response.json();
                    detail = problem && (problem.detail || problem.title) || "";
                } catch {
                    // not JSON
                }
                throw new HttpError(response.status, "GET " + shown + ": " + describeStatus(response, detail));
            }
            return await response.json();
        } finally {
            clearTimeout(timeout);
        }
    }

    function roomKey(ns, room) {
        return ns + "\u0000" + room;
    }

    // Members of up to MAX_ROOMS_WITH_MEMBERS rooms, MAX_PARALLEL_REQUESTS at a time: key -> { members } | { error }.
    async function loadMembers(namespaces) {
        const wanted = [];
        for (const ns of namespaces) {
            for (const room of ns.rooms || []) {
                if (wanted.length < MAX_ROOMS_WITH_MEMBERS) wanted.push({ ns: ns.name, room: room.name });
            }
        }
        const result = new Map();
        let next = 0;
        async function worker() {
            while (next < wanted.length) {
                const { ns, room } = wanted[next++];
                const path = "roomfacade/room?namespace=" + encodeURIComponent(ns) + "&room=" + encodeURIComponent(room);
                try {
                    const answer = await getJson(path);
                    result.set(roomKey(ns, room), { members: answer.members || [] });
                } catch (err) {
                    if (err instanceof HttpError && (err.status === 401 || err.status === 403)) throw err;
                    result.set(roomKey(ns, room), { error: err.message || String(err) });
                }
            }
        }
        const workers = [];
        for (let i = 0; i < Math.min(MAX_PARALLEL_REQUESTS, wanted.length); i++) workers.push(worker());
        await Promise.all(workers);
        return result;
    }

    // ---- rendering ---------------------------------------------------------------------------------------------

    function el(tag, className, text) {
        const node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined) node.textContent = text;
        return node;
    }

    function plural(n, one, many) {
        return n + " " + (n === 1 ? one : many);
    }

    function namespaceLabel(name) {
        return name === "" ? "default namespace" : name;
    }

    function renderRoom(ns, room, details) {
        const card = el("article", "room");
        card.dataset.namespace = ns;
        card.dataset.room = room.name;

        const members = details && details.members ? details.members : null;
        const count = members ? members.length : room.members;
        const title = el("div", "room-title");
        title.append(el("span", "room-name", room.name), el("span", "room-count", plural(count, "member", "members")));
        card.append(title);

        if (members) {
            const list = el("ul", "members");
            for (const id of members.slice(0, MAX_MEMBERS_SHOWN)) {
                const li = el("li", "member", id);
                li.dataset.id = id;
                list.append(li);
            }
            card.append(list);
            if (members.length > MAX_MEMBERS_SHOWN) card.append(el("div", "more", "… and " + (members.length - MAX_MEMBERS_SHOWN) + " more"));
        } else if (details && details.error) {
            card.append(el("div", "more", "members unavailable: " + details.error));
        } else {
            card.append(el("div", "more", "members not loaded (the dashboard lists the members of the first " + MAX_ROOMS_WITH_MEMBERS + " rooms)"));
        }

        if (Object.prototype.hasOwnProperty.call(HUBS, ns)) {
            const link = el("a", "open-chat", "open a chat in this room");
            link.href = "index.html?hub=" + encodeURIComponent(HUBS[ns]) + "&room=" + encodeURIComponent(room.name) + "&autoconnect=1";
            link.target = "_blank";
            link.rel = "noopener";
            card.append(link);
        }
        return card;
    }

    function renderNamespaces(namespaces, details) {
        const fragment = document.createDocumentFragment();
        for (const ns of namespaces) {
            const section = el("section", "namespace");
            section.dataset.namespace = ns.name;

            const head = el("div", "namespace-head");
            const h2 = el("h2");
            h2.append(el("span", "namespace-name", namespaceLabel(ns.name)));
            const hints = [];
            if (ns.name === "") hints.push("name \"\"");
            if (Object.prototype.hasOwnProperty.call(HUBS, ns.name)) hints.push("hub " + HUBS[ns.name]);
            if (hints.length > 0) h2.append(" ", el("span", "hint", "(" + hints.join(", ") + ")"));
            const connections = el("span", "connections");
            const strong = el("strong", "connection-count", String(ns.connections));
            connections.append(strong, " " + (ns.connections === 1 ? "connection" : "connections") + " · " + plural((ns.rooms || []).length, "room", "rooms"));
            head.append(h2, connections);

            const grid = el("div", "rooms-grid");
            for (const room of ns.rooms || []) grid.append(renderRoom(ns.name, room, details.get(roomKey(ns.name, room.name))));
            section.append(head, grid);
            fragment.append(section);
        }
        ui.namespaces.replaceChildren(fragment);
    }

    function ago(iso) {
        const ms = Date.now() - Date.parse(iso);
        if (!Number.isFinite(ms)) return "unknown";
        return ms < 1000 ? "just now" : Math.round(ms / 1000) + " s ago";
    }

    function renderServers(servers) {
        ui.servers.replaceChildren();
        if (servers === null || servers === undefined) {
            ui.servers.textContent = "single server (in-memory index)";
            return;
        }
        if (servers.length === 0) {
            ui.servers.textContent = "none alive";
            return;
        }
        for (const server of servers) {
            const span = el("span", server.isSelf ? "server self" : "server");
            span.dataset.id = server.id;
            span.append(el("code", "id", server.id), " · heartbeat " + ago(server.lastHeartbeat));
            ui.servers.append(span);
        }
    }

    // ---- state -------------------------------------------------------------------------------------------------

    function setState(state, text) {
        document.body.dataset.state = state;
        ui.status.textContent = text;
    }

    function showError(err) {
        ui.error.textContent = err && err.message ? err.message : String(err);
    }

    function clearError() {
        ui.error.textContent = "";
    }

    async function poll() {
        timer = 0;
        if (inFlight) return;
        inFlight = true;
        try {
            const overview = await getJson("roomfacade");
            const namespaces = overview.namespaces || [];
            const details = await loadMembers(namespaces);

            // Redraw the rooms only when something changed (keeps the page still, and any text selection, between polls).
            const signature = JSON.stringify([namespaces, [...details.entries()]]);
            if (signature !== lastSignature) {
                renderNamespaces(namespaces, details);
                lastSignature = signature;
            }
            renderServers(overview.servers);
            ui.namespaces.dataset.version = String(++version);
            clearError();
            const connections = namespaces.reduce((sum, ns) => sum + ns.connections, 0);
            const rooms = namespaces.reduce((sum, ns) => sum + (ns.rooms || []).length, 0);
            setState("live", "live · " + plural(connections, "connection", "connections") + ", " + plural(rooms, "room", "rooms")
                + " · updated " + new Date().toLocaleTimeString());
        } catch (err) {
            showError(err);
            if (version === 0) ui.servers.textContent = "unknown (no answer yet)";
            setState("error", "not updating (retrying every " + (POLL_INTERVAL_MS / 1000) + " s) · last try " + new Date().toLocaleTimeString());
        } finally {
            inFlight = false;
            schedule();
        }
    }

    function schedule() {
        clearTimeout(timer);
        timer = 0;
        if (paused) setState("paused", pauseText("press Resume"));
        else if (document.hidden) setState("paused", pauseText("page hidden"));
        else timer = setTimeout(poll, POLL_INTERVAL_MS);
    }

    function pauseText(why) {
        return "paused (" + why + ")" + (version > 0 ? " · showing the last update" : "");
    }

    function resume() {
        clearTimeout(timer);
        timer = 0;
        if (!inFlight) poll();
    }

    ui.pause.addEventListener("click", () => {
        paused = !paused;
        ui.pause.textContent = paused ? "Resume" : "Pause";
        if (paused) {
            clearTimeout(timer);
            timer = 0;
            if (!inFlight) setState("paused", pauseText("press Resume"));
        } else {
            resume();
        }
    });

    document.addEventListener("visibilitychange", () => {
        if (document.hidden) {
            clearTimeout(timer);
            timer = 0;
            if (!inFlight && !paused) setState("paused", pauseText("page hidden"));
        } else if (!paused) {
            resume();
        }
    });

    ui.servers.textContent = "…";
    if (document.hidden) setState("paused", pauseText("page hidden"));
    else poll();
})();
