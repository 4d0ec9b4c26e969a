// Deterministic fakes for the Roomwire client tests: a virtual clock, WebSocket, EventSource and fetch.
// Not a test file itself; imported by the *.test.mjs files next to it.

import { RoomwireClient } from '../../main/resources/web/client.js';

export { RoomwireClient };

/** Let promise chains (token providers, fetch answers) run. */
export async function flush(rounds = 5) {
    for (let i = 0; i < rounds; i++) {
        await new Promise((resolve) => setImmediate(resolve));
    }
}

/** Virtual time: timers run only when advance() passes them, in time order (ties in creation order). */
export class Clock {
    constructor(start = 1_700_000_000_000) {
        this.t = start;
        this.timers = new Map();
        this.nextId = 1;
        this.now = () => this.t;
        this.setTimeout = (fn, ms = 0) => {
            const id = this.nextId++;
            this.timers.set(id, { id, at: this.t + Math.max(0, Number(ms) || 0), ms, fn });
            return id;
        };
        this.clearTimeout = (id) => {
            this.timers.delete(id);
        };
    }

    /** Pending timers, soonest first. */
    pending() {
        return [...this.timers.values()].sort((a, b) => a.at - b.at || a.id - b.id);
    }

    async advance(ms) {
        if (!Number.isFinite(ms) || ms < 0) {
            throw new RangeError(`advance(${ms}): need a finite, non-negative duration`);
        }
        const end = this.t + ms;
        await flush();
        for (let fired = 0; ; fired++) {
            const next = this.pending()[0];
            if (!next || next.at > end) {
                break;
            }
            if (fired >= 10000) {
                throw new Error('more than 10000 timers fired in one advance(): a timer loop');
            }
            this.timers.delete(next.id);
            this.t = next.at;
            next.fn();
            await flush();
        }
        this.t = end;
        await flush();
    }
}

export function fakeWebSocket() {
    const sockets = [];

    class FakeWebSocket {
        constructor(url, protocols) {
            this.url = url;
            this.protocols = protocols;
            this.readyState = 0;
            this.sent = [];
            this.closedByClient = null;
            this.onopen = null;
            this.onmessage = null;
            this.onclose = null;
            this.onerror = null;
            sockets.push(this);
        }

        send(text) {
            if (this.readyState !== 1) {
                throw new Error('not open');
            }
            this.sent.push(JSON.parse(text));
        }

        close(code) {
            this.closedByClient = code ?? 1005;
            this.readyState = 3;
        }

        // ---- the server's side
        open() {
            this.readyState = 1;
            this.onopen?.({ type: 'open' });
        }

        receive(message) {
            this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
        }

        connected(data = {}) {
            this.receive({
                type: 'system',
                data: {
                    event: 'connected',
                    session: '4294967297',
                    user: 'me',
                    heartbeatIntervalMs: 10000,
                    heartbeatTimeoutMs: 30000,
                    limits: { maxPayloadBytes: 16384 },
                    ...data,
                },
            });
        }

        /** Open the socket and send `connected`. */
        accept(data) {
            this.open();
            this.connected(data);
        }

        serverClose(code = 1006, reason = '') {
            this.readyState = 3;
            this.onclose?.({ code, reason });
        }

        ofType(type) {
            return this.sent.filter((m) => m.type === type);
        }

        last() {
            return this.sent[this.sent.length - 1];
        }
    }

    return { FakeWebSocket, sockets, last: () => sockets[sockets.length - 1] };
}

export function fakeEventSource() {
    const sources = [];

    class FakeEventSource {
        constructor(url) {
            this.url = url;
            this.listeners = new Map();
            this.closed = false;
            sources.push(this);
        }

        addEventListener(type, fn) {
            if (!this.listeners.has(type)) {
                this.listeners.set(type, []);
            }
            this.listeners.get(type).push(fn);
        }

        close() {
            this.closed = true;
        }

        dispatch(type, event) {
            for (const fn of this.listeners.get(type) ?? []) {
                fn(event);
            }
        }

        // ---- the server's side
        get params() {
            return new URL(this.url).searchParams;
        }

        get room() {
            return decodeURIComponent(new URL(this.url).pathname.split('/').pop());
        }

        open() {
            this.dispatch('open', { type: 'open' });
        }

        emit(message, event = message.type) {
            const id = Number.isInteger(message.seq) ? `${message.epoch}-${message.seq}` : '';
            this.dispatch(event, { type: event, data: JSON.stringify(message), lastEventId: id });
        }

        /** The EventSource's own error (network, refused): an Event without data. */
        fail() {
            this.dispatch('error', { type: 'error' });
        }
    }

    return {
        FakeEventSource,
        sources,
        live: () => sources.filter((s) => !s.closed),
        forRoom: (room) => sources.filter((s) => !s.closed && s.room === room).pop(),
    };
}

function response(status, body) {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return {
        status,
        ok: status >= 200 && status < 300,
        text: async () => text,
        json: async () => JSON.parse(text),
    };
}

export function fakeFetch() {
    const requests = [];

    const fetch = (url, init = {}) => new Promise((resolve, reject) => {
        const parsed = new URL(url);
        const request = {
            url,
            path: parsed.pathname,
            params: parsed.searchParams,
            method: init.method ?? 'GET',
            headers: init.headers ?? {},
            body: init.body === undefined ? undefined : JSON.parse(init.body),
            settled: false,
            aborted: false,
            respond(status, body) {
                if (!request.settled) {
                    request.settled = true;
                    resolve(response(status, body));
                }
            },
            fail(error = new TypeError('network error')) {
                if (!request.settled) {
                    request.settled = true;
                    reject(error);
                }
            },
        };
        init.signal?.addEventListener('abort', () => {
            request.aborted = true;
            request.fail(new Error('aborted'));
        });
        requests.push(request);
    });

    return {
        fetch,
        requests,
        open: (path) => requests.filter((r) => !r.settled && (path === undefined || r.path === path)),
        polls: (room) => requests.filter((r) => !r.settled && r.path === `/poll/${room}`),
    };
}

export const EVENTS = ['message', 'presence', 'typing', 'join', 'resync', 'state', 'error', 'connected', 'leave'];

/** A client wired to fresh fakes, with every event recorded. */
export function setup(options = {}) {
    const clock = new Clock();
    const ws = fakeWebSocket();
    const es = fakeEventSource();
    const http = fakeFetch();
    const randoms = { value: 0.5 };
    const client = new RoomwireClient(options.baseUrl ?? 'http://example.test', {
        WebSocket: ws.FakeWebSocket,
        EventSource: es.FakeEventSource,
        fetch: http.fetch,
        setTimeout: clock.setTimeout,
        clearTimeout: clock.clearTimeout,
        now: clock.now,
        random: () => randoms.value,
        ...options,
    });
    const events = {};
    for (const name of EVENTS) {
        events[name] = [];
        client.on(name, (payload) => events[name].push(payload));
    }
    return { clock, ws, es, http, client, events, randoms };
}

/** A WebSocket client connected (`connected` received) with the given rooms joined at (epoch, head). */
export async function connectedWs(options = {}, rooms = {}) {
    const t = setup(options);
    t.client.connect();
    await flush();
    const socket = t.ws.last();
    socket.accept();
    for (const [room, join] of Object.entries(rooms)) {
        t.client.join(room);
        const request = socket.sent.find((m) => (m.type === 'join' || m.type === 'resume') && m.room === room);
        socket.receive(joined(room, join, request?.id));
    }
    await flush();
    return { ...t, socket };
}

export function joined(room, { epoch = 100, seq = 0, from, conflated = false, members = [] } = {}, id) {
    const message = {
        type: 'join',
        room,
        data: { epoch, seq, from: from ?? seq + 1, conflated, membersTotal: members.length, members },
    };
    if (id !== undefined) {
        message.id = id;
    }
    return message;
}

export function text(room, seq, { epoch = 100, content = `m${seq}`, author = 'u1', type = 'text' } = {}) {
    return { type, room, epoch, seq, data: { content, author }, timestamp: 1_700_000_000_000 + seq };
}

export function presence(room, seq, user, status, { epoch = 100, reason } = {}) {
    const data = { user, status };
    if (reason) {
        data.reason = reason;
    }
    return { type: 'presence', room, epoch, seq, data, timestamp: 1_700_000_000_000 + seq };
}
