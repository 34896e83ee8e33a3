// Drives the ChatRooms example in Debian's headless Chromium (/usr/bin/chromium) through playwright-core: two chat
// pages connect to /chat and join room "lobby" through the UI, page 1 emits a text to the room and page 2 must show
// it; then the rooms dashboard must show room "lobby" with both connections as members, and follow page 2 leaving;
// a dashboard whose requests are refused (403) must say so. Screenshots go to the output folder: chat-page2.png,
// dashboard.png (both members in "lobby"), dashboard-refused.png, and failure-N.png of every page on a failure.
//
//   node chat.spec.mjs <baseUrl> <outputDir>        e.g. node chat.spec.mjs http://127.0.0.1:5000 ../../artifacts/browser
//
// No test framework: prints one line per step, exits 0 on success and 1 (with the failing step and the pages'
// console errors) on failure. Every wait is bounded, and so is the whole script (OVERALL_TIMEOUT_MS).
// playwright-core never downloads a browser: it launches the executable given here.
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const OVERALL_TIMEOUT_MS = 60_000;
const LAUNCH_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000;
const ROOM = "lobby";

const [baseArg, outArg] = process.argv.slice(2);
if (!baseArg || !outArg) {
    console.error("usage: node chat.spec.mjs <baseUrl> <outputDir>");
    process.exit(2);
}
const baseUrl = baseArg.replace(/\/+$/, "");
const outDir = path.resolve(outArg);
mkdirSync(outDir, { recursive: true });

const started = Date.now();
const log = (text) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}`);
const consoleErrors = [];
let browser = null;
let currentStep = "start";

// The whole script is bounded: on overrun, report and exit (playwright kills the browser it launched on exit).
const overall = setTimeout(() => {
    console.error(`FAIL: the browser test did not finish within ${OVERALL_TIMEOUT_MS / 1000} s (stuck in step: ${currentStep})`);
    printConsoleErrors();
    process.exit(1);
}, OVERALL_TIMEOUT_MS);

function printConsoleErrors() {
    if (consoleErrors.length > 0) console.error("browser console errors:\n  " + consoleErrors.join("\n  "));
}

async function step(name, fn) {
    currentStep = name;
    log(name + " …");
    const result = await fn();
    log(name + ": ok");
    return result;
}

function watch(page, label) {
    page.on("console", (msg) => {
        if (msg.type() === "error") {
            const where = msg.location() && msg.location().url ? ` (${msg.location().url})` : "";
            consoleErrors.push(`${label}: ${msg.text()}${where}`);
        }
    });
    page.on("pageerror", (err) => consoleErrors.push(`${label}: uncaught ${err.message}`));
    return page;
}

// Each page in a context of its own: a window of its own, in the foreground (a background tab of a shared window gets
// its timers and animation frames throttled, which slows every click), and separate storage, like separate people.
async function newPage(label) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    return watch(await context.newPage(), label);
}

async function errorText(page) {
    return ((await page.locator("#error").textContent({ timeout: STEP_TIMEOUT_MS })) || "").trim();
}

// Opens the chat, connects to /chat, joins ROOM with the UI; returns the page's connection id.
async function joinLobby(page, label) {
    await page.goto(baseUrl + "/", { waitUntil: "load", timeout: STEP_TIMEOUT_MS });
    await page.selectOption("#hub", "/chat");
    await page.click("#connect");
    try {
        await page.waitForSelector('body[data-state="connected"]', { timeout: STEP_TIMEOUT_MS });
    } catch (err) {
        throw new Error(`${label} did not connect to /chat: status "${await page.textContent("#status")}", error "${await errorText(page)}"`);
    }
    const id = ((await page.textContent("#me")) || "").trim();
    if (!id) throw new Error(`${label} is connected but shows no connection id in #me`);

    await page.fill("#room", ROOM);
    await page.click("#join");
    // After a join the page refreshes "Members of <room>" (clients(room)): it must list this connection.
    try {
        await page.waitForFunction(
            (me) => [...document.querySelectorAll("#members .member")].some((li) => li.dataset.id === me),
            id, { timeout: STEP_TIMEOUT_MS });
    } catch {
        throw new Error(`${label} (${id}) clicked Join "${ROOM}" but is not among the room's members; error "${await errorText(page)}"`);
    }
    const error = await errorText(page);
    if (error) throw new Error(`${label} shows an error after joining: ${error}`);
    return id;
}

// Waits until the dashboard's card of ROOM in the default namespace lists exactly `ids` as members.
async function waitForDashboardMembers(dashboard, ids, what) {
    try {
        await dashboard.waitForFunction(({ room, ids }) => {
            const card = [...document.querySelectorAll("#namespaces .room")].find((c) => c.dataset.namespace === "" && c.dataset.room === room);
            if (!card) return false;
            const members = [...card.querySelectorAll(".member")].map((m) => m.textContent.trim()).sort();
            return JSON.stringify(members) === JSON.stringify([...ids].sort());
        }, { room: ROOM, ids }, { timeout: STEP_TIMEOUT_MS, polling: 100 });
    } catch {
        const state = await dashboard.evaluate(() => ({
            state: document.body.dataset.state,
            status: document.getElementById("status").textContent,
            error: document.getElementById("error").textContent,
            rooms: [...document.querySelectorAll("#namespaces .room")].map((c) => ({
                namespace: c.dataset.namespace, room: c.dataset.room,
                members: [...c.querySelectorAll(".member")].map((m) => m.textContent.trim()),
            })),
        }));
        throw new Error(`the dashboard does not show ${what} (room "${ROOM}" with members ${JSON.stringify(ids)}); it shows ${JSON.stringify(state)}`);
    }
}

function assertPng(file) {
    const size = statSync(file).size;
    if (size === 0) throw new Error(`screenshot ${file} is empty`);
    log(`screenshot ${file} (${size} bytes)`);
}

async function main() {
    browser = await step(`launch ${CHROMIUM} (headless)`, () => chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        timeout: LAUNCH_TIMEOUT_MS,
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    }));
    const page1 = await newPage("chat page 1");
    const page2 = await newPage("chat page 2");
    const id1 = await step(`chat page 1 connects to /chat and joins "${ROOM}"`, () => joinLobby(page1, "chat page 1"));
    const id2 = await step(`chat page 2 connects to /chat and joins "${ROOM}"`, () => joinLobby(page2, "chat page 2"));
    if (id1 === id2) throw new Error(`both pages report the same connection id ${id1}`);

    const text = `hello from page 1 (${Math.random().toString(36).slice(2, 10)})`;
    await step(`chat page 1 emits "${text}" to "${ROOM}"; chat page 2 shows it`, async () => {
        await page1.fill("#text", text);
        await page1.click("#send");
        const received = page2.locator("#messages .message").filter({ hasText: text });
        try {
            await received.first().waitFor({ state: "visible", timeout: STEP_TIMEOUT_MS });
        } catch {
            const shown = await page2.locator("#messages .message").allTextContents();
            throw new Error(`chat page 2 did not show the message within ${STEP_TIMEOUT_MS / 1000} s; its messages: ${JSON.stringify(shown)}; `
                + `page 1 error "${await errorText(page1)}", page 2 error "${await errorText(page2)}"`);
        }
        const message = received.first();
        const room = await message.getAttribute("data-room");
        const from = await message.getAttribute("data-from");
        if (room !== ROOM || from !== id1) throw new Error(`chat page 2 shows the message with room "${room}" from "${from}", expected room "${ROOM}" from ${id1}`);
    });

    const chatShot = path.join(outDir, "chat-page2.png");
    await step("screenshot chat page 2", async () => {
        await page2.screenshot({ path: chatShot, fullPage: true, timeout: STEP_TIMEOUT_MS });
        assertPng(chatShot);
    });

    const dashboard = await newPage("dashboard");
    await step(`dashboard shows room "${ROOM}" with both members`, async () => {
        await dashboard.goto(baseUrl + "/dashboard.html", { waitUntil: "load", timeout: STEP_TIMEOUT_MS });
        await waitForDashboardMembers(dashboard, [id1, id2], "both chat pages");
        await dashboard.waitForSelector('body[data-state="live"]', { timeout: STEP_TIMEOUT_MS });
        const servers = ((await dashboard.textContent("#servers")) || "").trim();
        if (servers !== "single server (in-memory index)") throw new Error(`the dashboard's servers line says "${servers}", expected "single server (in-memory index)"`);
        const count = await dashboard.evaluate(() => {
            const ns = [...document.querySelectorAll("#namespaces .namespace")].find((s) => s.dataset.namespace === "");
            return ns ? ns.querySelector(".connection-count").textContent.trim() : null;
        });
        if (count !== "2") throw new Error(`the dashboard shows ${count} connections in the default namespace, expected 2`);
    });

    const dashboardShot = path.join(outDir, "dashboard.png");
    await step("screenshot dashboard", async () => {
        await dashboard.screenshot({ path: dashboardShot, fullPage: true, timeout: STEP_TIMEOUT_MS });
        assertPng(dashboardShot);
    });

    await step(`chat page 2 leaves "${ROOM}"; the dashboard follows`, async () => {
        await page2.click("#leave");
        await waitForDashboardMembers(dashboard, [id1], "chat page 2 gone from the room");
    });

    // The dashboard shows a refused request instead of going blank: answer its polls with 403 (the policy's answer).
    await step("dashboard shows a refused request (403)", async () => {
        const refused = await newPage("refused dashboard");
        await refused.route((url) => url.pathname.startsWith("/roomfacade"), (route) => route.fulfill({ status: 403, body: "" }));
        await refused.goto(baseUrl + "/dashboard.html", { waitUntil: "load", timeout: STEP_TIMEOUT_MS });
        await refused.waitForSelector('body[data-state="error"]', { timeout: STEP_TIMEOUT_MS });
        const error = ((await refused.textContent("#error")) || "").trim();
        if (!error.includes("403")) throw new Error(`the refused dashboard shows "${error}", expected a 403 message`);
        await refused.screenshot({ path: path.join(outDir, "dashboard-refused.png"), timeout: STEP_TIMEOUT_MS });
        // Chromium reports the refused fetch in the console as well: expected here, not a failure.
        for (let i = consoleErrors.length - 1; i >= 0; i--) if (consoleErrors[i].startsWith("refused dashboard:")) consoleErrors.splice(i, 1);
        await refused.context().close();
    });

    currentStep = "no errors in the browser console";
    if (consoleErrors.length > 0) throw new Error("the pages logged errors (listed below)");
    await browser.close();
    browser = null;
    log(`PASS: two chat pages talked in "${ROOM}" and the dashboard showed them live; screenshots: ${chatShot}, ${dashboardShot}`);
}

try {
    await main();
    clearTimeout(overall);
    process.exit(0);
} catch (err) {
    // playwright's call logs carry terminal colour codes: strip them for logs and test reports.
    const message = String(err && err.message ? err.message : err).replace(/\x1b\[[0-9;]*m/g, "");
    console.error(`FAIL in step "${currentStep}": ${message}`);
    printConsoleErrors();
    if (browser) {
        // Best effort: a picture of every page at the moment of failure, then close (bounded by the overall timer).
        try {
            let n = 0;
            for (const context of browser.contexts()) {
                for (const page of context.pages()) {
                    const file = path.join(outDir, `failure-${++n}.png`);
                    await page.screenshot({ path: file, fullPage: true, timeout: 5_000 }).then(() => console.error(`failure screenshot: ${file} (${page.url()})`), () => {});
                }
            }
            await browser.close();
        } catch {
            // ignore: exiting anyway
        }
    }
    process.exit(1);
}
