// Roomwire browser client: one ES module, no build step, no dependencies.
//
//   import { RoomwireClient } from '/client.js';
//   const client = new RoomwireClient(location.origin, { tokenProvider: fetchToken });
//   client.on('message', (m) => render(m));
//   client.connect();
//   await client.join('general');
//   await client.publish('general', { content: 'Hello' });
//
// Speaks the JSON form of docs/protocol.md over WebSocket (/ws), Server-Sent Events (/events/{room}) or long
// polling (/poll/{room}), with HTTP publishes (POST /rooms/{room}/messages) for the last two. See docs/client.md.

export const TRANSPORTS = Object.freeze(['websocket', 'sse', 'longpoll']);

export const DEFAULT_OPTIONS = Object.freeze({
    token: undefined,
    tokenProvider: undefined,
    transports: TRANSPORTS,
    baseDelayMs: 500,
    maxDelayMs: 30000,
    maxRetries: Infinity,
    fallbackAfterFailures: 2,
    heartbeatIntervalMs: undefined,
    orderingTimeoutMs: 3000,
    typingTimeoutMs: 5000,
    connectTimeoutMs: 10000,
    pollTimeoutMs: 35000,
    maxQueuedPublishes: 1000,
    maxPendingRecords: 10000,
});

/** Heartbeat interval used when neither the option nor the server's `connected` names one. */
export const FALLBACK_HEARTBEAT_MS = 10000;

/** A long poll that has been outstanding this long without failing counts as an open transport. */
export const POLL_OPEN_GRACE_MS = 1000;

const SSE_EVENT_TYPES = ['text', 'message', 'system', 'presence', 'join', 'resume', 'error', 'typing', 'leave', 'ack'];
const AUTH_CODES = new Set(['not_authenticated', 'token_expired', 'origin_not_allowed']);
const JOIN_CODES = new Set(['not_permitted', 'invalid_room', 'too_many_rooms', 'room_full', 'resume_ahead', 'already_joined']);
const WS_OPEN = 1;

const noop = () => {};

function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isInt(value) {
    return Number.isSafeInteger(value);
}

function isRecord(m) {
    return typeof m.room === 'string' && isInt(m.seq) && isInt(m.epoch);
}

function strings(value) {
    return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
}

function report(err) {
    if (typeof globalThis.reportError === 'function') {
        globalThis.reportError(err);
    } else if (typeof console !== 'undefined') {
        console.error(err);
    }
}

/** Room names are URL-path safe except for what this escapes (a room of only dots cannot be addressed). */
function pathSegment(room) {
    return room.replace(/[^A-Za-z0-9_.:@-]/g, (c) => encodeURIComponent(c));
}

async function readJson(response) {
    try {
        const text = await response.text();
        return text ? JSON.parse(text) : null;
    } catch {
        return null;
    }
}

/** An error from the server (its `code` and `reason`) or from the client (`closed`, `queue_full`, ...). */
export class RoomwireError extends Error {
    constructor(code, reason, details = {}) {
        super(reason ? `${code}: ${reason}` : String(code));
        this.name = 'RoomwireError';
        this.code = code;
        this.reason = reason ?? '';
        Object.assign(this, details);
    }
}

/**
 * Full-jitter backoff: a uniformly random delay in [0, min(maxDelayMs, baseDelayMs * 2^attempt)).
 */
export function backoffDelay(attempt, { baseDelayMs = 500, maxDelayMs = 30000, random = Math.random } = {}) {
    const cap = Math.min(maxDelayMs, baseDelayMs * Math.pow(2, attempt));
    const r = Math.min(Math.max(Number(random()) || 0, 0), 1 - Number.EPSILON);
    return r * cap;
}

/**
 * Per-room ordering buffer: releases records strictly in seq order within one epoch, drops duplicates, holds
 * records that arrive ahead of a gap. In a conflated room any increasing seq is accepted.
 */
export class OrderingBuffer {
    constructor({ maxPending = 10000 } = {}) {
        this.maxPending = maxPending;
        this.epoch = null;
        this.seq = null;
        this.conflated = false;
        this.pending = new Map();
    }

    /** The last delivered (epoch, seq), or null before the first join. */
    get position() {
        return this.epoch === null ? null : { epoch: this.epoch, seq: this.seq };
    }

    get hasGap() {
        return this.pending.size > 0;
    }

    /** Move the position: everything at or before `seq` of `epoch` counts as delivered. */
    reset(epoch, seq) {
        if (epoch !== this.epoch) {
            this.pending.clear();
        }
        this.epoch = epoch;
        this.seq = seq;
        for (const held of [...this.pending.keys()]) {
            if (held <= seq) {
                this.pending.delete(held);
            }
        }
    }

    /** Forget the position (the next join starts afresh). */
    clear() {
        this.epoch = null;
        this.seq = null;
        this.pending.clear();
    }

    dropPending() {
        this.pending.clear();
    }

    /**
     * Offer one record. Returns `{status, records}`: status is `delivered` (records holds it and any held ones it
     * released, in order), `duplicate`, `held`, `overflow` (held, but the buffer is full), `epoch` (the record is of
     * another epoch) or `unsynced` (no position yet).
     */
    offer(record) {
        if (this.epoch === null) {
            return { status: 'unsynced', records: [] };
        }
        if (record.epoch !== this.epoch) {
            return { status: 'epoch', records: [] };
        }
        if (record.seq <= this.seq || this.pending.has(record.seq)) {
            return { status: 'duplicate', records: [] };
        }
        if (this.conflated || record.seq === this.seq + 1) {
            this.seq = record.seq;
            const records = [record];
            this.drainInto(records);
            return { status: 'delivered', records };
        }
        this.pending.set(record.seq, record);
        return { status: this.pending.size > this.maxPending ? 'overflow' : 'held', records: [] };
    }

    /** Release what the current position allows (after a reset). */
    drain() {
        const records = [];
        this.drainInto(records);
        return records;
    }

    drainInto(out) {
        if (this.pending.size === 0) {
            return;
        }
        if (this.conflated) {
            const seqs = [...this.pending.keys()].sort((a, b) => a - b);
            for (const seq of seqs) {
                const record = this.pending.get(seq);
                this.pending.delete(seq);
                if (seq > this.seq) {
                    this.seq = seq;
                    out.push(record);
                }
            }
            return;
        }
        while (this.pending.has(this.seq + 1)) {
            const record = this.pending.get(this.seq + 1);
            this.pending.delete(this.seq + 1);
            this.seq += 1;
            out.push(record);
        }
    }
}

class Room {
    constructor(name) {
        this.name = name;
        this.buffer = null;
        this.members = new Set();
        this.snapshot = new Set();
        this.membersAt = null;
        this.typists = new Map();
        this.gapTimer = null;
        this.resuming = false;
        this.history = false;
        this.sid = null;
        this.joinData = null;
        this.settled = false;
        this.resolve = noop;
        this.reject = noop;
        this.promise = null;
    }
}

export class RoomwireClient {
    /**
     * @param {string} baseUrl http(s) URL of the server (a relative one resolves against the page).
     * @param {object} options see DEFAULT_OPTIONS and docs/client.md.
     */
    constructor(baseUrl, options = {}) {
        const defined = {};
        for (const [key, value] of Object.entries(options ?? {})) {
            if (value !== undefined) {
                defined[key] = value;
            }
        }
        const o = { ...DEFAULT_OPTIONS, ...defined };
        const transports = [...new Set(Array.from(o.transports ?? []))].filter((t) => TRANSPORTS.includes(t));
        if (transports.length === 0) {
            throw new TypeError(`transports must name at least one of ${TRANSPORTS.join(', ')}`);
        }
        o.transports = transports;
        this.options = o;

        const base = new URL(baseUrl ?? '', globalThis.location?.href);
        this._origin = base.origin;
        this._basePath = base.pathname.replace(/\/+$/, '');

        this._WebSocket = o.WebSocket ?? globalThis.WebSocket;
        this._EventSource = o.EventSource ?? globalThis.EventSource;
        this._fetchImpl = o.fetch ?? ((...args) => globalThis.fetch(...args));
        this._setTimeout = o.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
        this._clearTimeout = o.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
        this._random = o.random ?? Math.random;
        this._now = o.now ?? Date.now;

        this._handlers = new Map();
        this._rooms = new Map();
        this._queue = [];
        this._inflight = new Map();
        this._requests = new Map();
        this._state = 'idle';
        this._emittedState = null;
        this._transportIndex = 0;
        this._attempt = 0;
        this._failures = 0;
        this._openedTransports = new Set();
        this._conn = null;
        this._opening = false;
        this._retryTimer = null;
        this._closed = false;
        this._token = undefined;
        this._session = null;
        this._httpChain = Promise.resolve();
        this._idBase = `${Math.floor(this._random() * 2176782336).toString(36)}${Math.floor(this._now()).toString(36)}`;
        this._idCounter = 0;
    }

    // ----------------------------------------------------------------------------------------------------- accessors

    /** 'idle' before connect(), then 'connecting' | 'open' | 'reconnecting' | 'closed'. */
    get state() {
        return this._state;
    }

    /** The transport in use, or the one the next attempt will use. */
    get transport() {
        return this.options.transports[this._transportIndex];
    }

    /** The user id the server named in `connected` (null before it, and on transports that do not send it). */
    get user() {
        return this._session?.user ?? null;
    }

    /** The data of the last `connected` message (session, user, heartbeat, limits), or null. */
    get session() {
        return this._session;
    }

    /** Names of the rooms joined (or being joined). */
    get rooms() {
        return [...this._rooms.keys()];
    }

    /** The last delivered `{epoch, seq}` of a room, or null. */
    position(room) {
        return this._rooms.get(room)?.buffer.position ?? null;
    }

    /** Who is in a room, from the join snapshot and presence records. */
    members(room) {
        const r = this._rooms.get(room);
        return r ? [...r.members] : [];
    }

    /** Who is typing in a room (indicators expire after typingTimeoutMs). */
    typists(room) {
        const r = this._rooms.get(room);
        return r ? [...r.typists.keys()] : [];
    }

    // -------------------------------------------------------------------------------------------------------- events

    on(event, handler) {
        if (typeof handler !== 'function') {
            throw new TypeError('handler must be a function');
        }
        let set = this._handlers.get(event);
        if (!set) {
            set = new Set();
            this._handlers.set(event, set);
        }
        set.add(handler);
        return () => this.off(event, handler);
    }

    off(event, handler) {
        const set = this._handlers.get(event);
        if (!set) {
            return;
        }
        if (handler === undefined) {
            set.clear();
        } else {
            set.delete(handler);
        }
    }

    _emit(event, payload) {
        const set = this._handlers.get(event);
        if (!set || set.size === 0) {
            return;
        }
        for (const handler of [...set]) {
            try {
                handler(payload);
            } catch (err) {
                report(err);
            }
        }
    }

    _setState(state) {
        this._state = state;
        const key = `${state}/${this.transport}`;
        if (key !== this._emittedState) {
            this._emittedState = key;
            this._emit('state', { state, transport: this.transport });
        }
    }

    // ---------------------------------------------------------------------------------------------------- lifecycle

    /** Start connecting (idempotent). Returns the client. */
    connect() {
        if (this._closed) {
            throw new RoomwireError('closed', 'the client is closed');
        }
        if (this._state === 'idle') {
            this._setState('connecting');
            this._open();
        }
        return this;
    }

    /** End everything: no reconnect; queued and unanswered publishes and pending joins reject with `closed`. */
    close() {
        if (this._closed) {
            return;
        }
        this._closed = true;
        if (this._retryTimer !== null) {
            this._clearTimeout(this._retryTimer);
            this._retryTimer = null;
        }
        const conn = this._conn;
        this._conn = null;
        if (conn) {
            conn.close();
        }
        const closed = () => new RoomwireError('closed', 'the client is closed');
        for (const entry of this._queue.splice(0)) {
            entry.reject(closed());
        }
        for (const entry of [...this._inflight.values()]) {
            entry.reject(closed());
        }
        this._inflight.clear();
        this._requests.clear();
        for (const r of this._rooms.values()) {
            this._clearRoomTimers(r);
            if (!r.settled) {
                r.settled = true;
                r.reject(closed());
            }
        }
        this._setState('closed');
    }

    async _open() {
        this._retryTimer = null;
        if (this._closed || this._conn || this._opening) {
            return;
        }
        this._opening = true;
        let token;
        try {
            token = await this._getToken();
        } catch (err) {
            this._opening = false;
            if (this._closed) {
                return;
            }
            this._emit('error', { code: 'token_error', reason: String(err?.message ?? err) });
            this._retry(false);
            return;
        }
        this._opening = false;
        if (this._closed || this._conn) {
            return;
        }
        this._token = token || undefined;
        const Connection = { websocket: WsConnection, sse: SseConnection, longpoll: PollConnection }[this.transport];
        const conn = new Connection(this, this._token);
        this._conn = conn;
        try {
            conn.start();
        } catch (err) {
            conn.fail();
        }
    }

    async _getToken() {
        if (typeof this.options.tokenProvider === 'function') {
            return await this.options.tokenProvider();
        }
        return this.options.token;
    }

    /** A connection reached the open state. */
    _connOpened(conn) {
        if (conn !== this._conn) {
            return;
        }
        this._failures = 0;
        this._openedTransports.add(this.transport);
        for (const r of [...this._rooms.values()]) {
            conn.joinRoom(r);
        }
        this._setState('open');
        if (conn !== this._conn) {
            return;
        }
        this._flushQueue();
    }

    /** The connection proved healthy (a pong, an open stream, a successful poll): the backoff starts over. */
    _connHealthy(conn) {
        if (conn === this._conn) {
            this._attempt = 0;
        }
    }

    /**
     * A connection ended. `opened`: it had reached the open state; `countFailure`: a failure to open that counts
     * towards falling back (auth refusals do not: another transport would be refused too).
     */
    _connDown(conn, { opened = false, countFailure = true } = {}) {
        if (conn !== this._conn) {
            return;
        }
        this._conn = null;
        const lost = [...this._inflight.values()];
        this._inflight.clear();
        this._requests.clear();
        for (const entry of lost) {
            entry.reject(new RoomwireError('connection_lost', 'the connection closed before the answer; the message may or may not have been published'));
        }
        for (const r of this._rooms.values()) {
            this._clearRoomTimers(r, true);
            r.buffer.dropPending();
            r.resuming = false;
        }
        if (this._closed) {
            return;
        }
        if (opened && this._transportIndex !== 0) {
            // A fallback connection dropped: try the preferred transport again first, in case what stopped it passed.
            this._transportIndex = 0;
            this._failures = 0;
        }
        this._retry(!opened && countFailure);
    }

    _retry(countFailure) {
        // A transport that has opened before in this client's life fails to reopen because of the network, not
        // because it cannot work here: keep trying it rather than falling back for good after a brief outage.
        if (countFailure && !this._openedTransports.has(this.transport)) {
            this._failures += 1;
            if (this._failures >= this.options.fallbackAfterFailures && this.options.transports.length > 1) {
                this._transportIndex = (this._transportIndex + 1) % this.options.transports.length;
                this._failures = 0;
            }
        }
        if (this._attempt >= this.options.maxRetries) {
            this._emit('error', { code: 'retries_exhausted', reason: `gave up after ${this._attempt} attempts` });
            this.close();
            return;
        }
        const delay = backoffDelay(this._attempt, {
            baseDelayMs: this.options.baseDelayMs,
            maxDelayMs: this.options.maxDelayMs,
            random: this._random,
        });
        this._attempt += 1;
        this.lastDelay = delay;
        this._setState('reconnecting');
        this._retryTimer = this._setTimeout(() => this._open(), delay);
    }

    _clearRoomTimers(r, emitTyping = false) {
        if (r.gapTimer !== null) {
            this._clearTimeout(r.gapTimer);
            r.gapTimer = null;
        }
        for (const [user, timer] of [...r.typists]) {
            this._clearTimeout(timer);
            r.typists.delete(user);
            if (emitTyping) {
                this._emit('typing', { room: r.name, user, typing: false });
            }
        }
    }

    // -------------------------------------------------------------------------------------------------------- rooms

    /**
     * Join a room; resolves with the join data (epoch, seq, from, conflated, members, ...) of the first `join`, rejects
     * with the server's error. Options: `resume: {epoch, seq}` to start after a position the application kept, or
     * `history: true` for everything history holds. Joined rooms are rejoined, resumed, on every reconnect.
     */
    join(room, { resume, history = false } = {}) {
        if (typeof room !== 'string' || room.length === 0) {
            throw new TypeError('room must be a non-empty string');
        }
        if (this._closed) {
            const p = Promise.reject(new RoomwireError('closed', 'the client is closed'));
            p.catch(noop);
            return p;
        }
        const existing = this._rooms.get(room);
        if (existing) {
            return existing.promise;
        }
        const r = new Room(room);
        r.buffer = new OrderingBuffer({ maxPending: this.options.maxPendingRecords });
        if (resume && isInt(resume.epoch) && isInt(resume.seq)) {
            r.buffer.reset(resume.epoch, resume.seq);
        } else if (history) {
            r.history = true;
        }
        r.promise = new Promise((resolve, reject) => {
            r.resolve = resolve;
            r.reject = reject;
        });
        r.promise.catch(noop);
        this._rooms.set(room, r);
        if (this._conn) {
            this._conn.joinRoom(r);
        }
        return r.promise;
    }

    /** Leave a room: its records, members and typists are forgotten, and so is its position. */
    leave(room) {
        const r = this._rooms.get(room);
        if (!r) {
            return;
        }
        this._dropRoom(r);
        if (this._conn) {
            this._conn.leaveRoom(r);
        }
        if (!r.settled) {
            r.settled = true;
            r.reject(new RoomwireError('left', 'left before the join completed'));
        }
    }

    _dropRoom(r) {
        this._rooms.delete(r.name);
        this._clearRoomTimers(r);
    }

    // ---------------------------------------------------------------------------------------------------- publishing

    /**
     * Publish to a room. Resolves with `{room, id, epoch, seq}` of the ack, rejects with a RoomwireError carrying the
     * server's `code` and `reason` (or `closed`, `queue_full`, `connection_lost`).
     */
    publish(room, data = {}, { type = 'text', key } = {}) {
        let resolve;
        let reject;
        const promise = new Promise((res, rej) => {
            resolve = res;
            reject = rej;
        });
        promise.catch(noop);
        if (typeof room !== 'string' || room.length === 0) {
            reject(new TypeError('room must be a non-empty string'));
            return promise;
        }
        if (this._closed) {
            reject(new RoomwireError('closed', 'the client is closed'));
            return promise;
        }
        const message = { type, id: this._nextId('m'), room, data: data ?? {} };
        if (key !== undefined && key !== null) {
            message.key = String(key);
        }
        let settled = false;
        const entry = {
            message,
            resolve: (value) => {
                if (!settled) {
                    settled = true;
                    resolve(value);
                }
            },
            reject: (err) => {
                if (!settled) {
                    settled = true;
                    reject(err);
                }
            },
        };
        if (this._queue.length >= this.options.maxQueuedPublishes) {
            entry.reject(new RoomwireError('queue_full', `more than ${this.options.maxQueuedPublishes} publishes waiting for a connection`));
            return promise;
        }
        this._queue.push(entry);
        this._flushQueue();
        return promise;
    }

    _nextId(prefix) {
        this._idCounter += 1;
        return `${prefix}${this._idBase}-${this._idCounter.toString(36)}`;
    }

    _flushQueue() {
        while (this._queue.length > 0 && this._conn && this._conn.opened) {
            const entry = this._queue.shift();
            if (!this._sendPublish(entry)) {
                this._queue.unshift(entry);
                return;
            }
        }
    }

    _sendPublish(entry) {
        const conn = this._conn;
        if (conn.kind === 'websocket') {
            if (!conn.send(entry.message)) {
                return false;
            }
            this._inflight.set(entry.message.id, entry);
            return true;
        }
        const { room, ...body } = entry.message;
        const run = () => (this._closed
            ? Promise.reject(new RoomwireError('closed', 'the client is closed'))
            : this._post(room, body)).then(
            ({ status, ok, answer }) => {
                if (ok && answer?.type === 'ack' && isObject(answer.data)) {
                    entry.resolve({ room, id: entry.message.id, epoch: answer.data.epoch, seq: answer.data.seq });
                } else if (answer?.type === 'error' && isObject(answer.data)) {
                    entry.reject(new RoomwireError(String(answer.data.code ?? `http_${status}`), String(answer.data.reason ?? ''), { status }));
                } else {
                    entry.reject(new RoomwireError(`http_${status}`, 'unexpected answer to a publish', { status }));
                }
            },
            (err) => entry.reject(err instanceof RoomwireError
                ? err
                : new RoomwireError('connection_lost', String(err?.message ?? err))),
        );
        // HTTP publishes go one at a time so they keep the order they were issued in.
        this._httpChain = this._httpChain.then(run, run);
        return true;
    }

    /** POST one message; a 401 with a tokenProvider fetches a fresh token and tries once more. */
    async _post(room, body, retried = false) {
        const headers = { 'Content-Type': 'application/json' };
        if (this._token) {
            headers.Authorization = `Bearer ${this._token}`;
        }
        const response = await this._fetchImpl(this._url(`/rooms/${pathSegment(room)}/messages`), {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
            cache: 'no-store',
        });
        const answer = await readJson(response);
        if (response.status === 401 && !retried && typeof this.options.tokenProvider === 'function' && !this._closed) {
            const token = await this._getToken().catch(() => undefined);
            if (token && token !== this._token) {
                this._token = token;
                return this._post(room, body, true);
            }
        }
        return { status: response.status, ok: response.ok, answer };
    }

    /** Tell a room that this user is (or stopped) typing. Not queued: returns false when not connected. */
    typing(room, isTyping = true) {
        const conn = this._conn;
        if (this._closed || !conn || !conn.opened || typeof room !== 'string') {
            return false;
        }
        const message = { type: 'typing', room, data: { typing: Boolean(isTyping) } };
        if (conn.kind === 'websocket') {
            return conn.send(message);
        }
        this._post(room, { type: 'typing', data: message.data }).catch(noop);
        return true;
    }

    _url(path, params = {}, websocket = false) {
        const url = new URL(this._origin + this._basePath + path);
        for (const [key, value] of Object.entries(params)) {
            if (value !== undefined && value !== null && value !== '') {
                url.searchParams.set(key, String(value));
            }
        }
        const href = url.href;
        return websocket ? href.replace(/^http/, 'ws') : href;
    }

    // ----------------------------------------------------------------------------------------------- server messages

    /** Entry point for every parsed server message of every transport. Never throws. */
    _onMessage(conn, m) {
        if (conn !== this._conn || this._closed) {
            return;
        }
        try {
            this._dispatch(conn, m);
        } catch (err) {
            // A malformed message must not break the client; it is dropped.
            if (typeof console !== 'undefined' && console.debug) {
                console.debug('roomwire: dropped a message', err);
            }
        }
    }

    _dispatch(conn, m) {
        if (!isObject(m)) {
            return;
        }
        const data = isObject(m.data) ? m.data : {};
        switch (m.type) {
            case 'text':
            case 'message':
            case 'system':
                if (isRecord(m)) {
                    this._onRecord(m);
                } else if (m.type === 'system' && data.event === 'connected') {
                    this._session = { ...data };
                    this._emit('connected', { ...data });
                    conn.onConnected(data);
                } else if (m.type === 'system' && data.event === 'closed') {
                    conn.sessionClosed = true;
                    this._emit('error', { code: String(data.code ?? 'closed'), reason: String(data.reason ?? ''), fatal: true });
                }
                return;
            case 'presence':
                if (isRecord(m)) {
                    this._onRecord(m);
                } else if (data.snapshot === true && typeof m.room === 'string') {
                    const r = this._rooms.get(m.room);
                    if (r) {
                        for (const user of strings(data.members)) {
                            r.snapshot.add(user);
                        }
                    }
                }
                return;
            case 'join':
                this._onJoin(conn, m, data);
                return;
            case 'resume':
                if (data.status === 'resync') {
                    this._onResync(m, data);
                }
                return;
            case 'leave':
                this._onLeft(conn, m, data);
                return;
            case 'ack':
                this._onAck(m, data);
                return;
            case 'error':
                this._onError(conn, m, data);
                return;
            case 'typing':
                this._onTyping(m, data);
                return;
            case 'pong':
                conn.onPong(data);
                return;
            default:
                // Unknown types are ignored.
        }
    }

    _onRecord(m) {
        const r = this._rooms.get(m.room);
        if (!r) {
            return;
        }
        const { status, records } = r.buffer.offer(m);
        if (status === 'delivered') {
            r.resuming = false;
            this._deliverAll(r, records, true);
            return;
        }
        if (status === 'epoch') {
            if (!r.resuming) {
                this._forceResume(r);
            }
            return;
        }
        if (status === 'overflow') {
            this._forceResume(r);
            return;
        }
        if (status === 'held') {
            this._armGapTimer(r, false);
        }
    }

    _deliverAll(r, records, progressed) {
        for (const record of records) {
            if (this._rooms.get(r.name) !== r) {
                return;
            }
            this._deliver(r, record);
        }
        if (this._rooms.get(r.name) === r) {
            this._armGapTimer(r, progressed);
        }
    }

    /** Arm the gap timer while records are held; a fresh gap (after progress) gets a fresh timeout. */
    _armGapTimer(r, progressed) {
        if (!r.buffer.hasGap) {
            if (r.gapTimer !== null) {
                this._clearTimeout(r.gapTimer);
                r.gapTimer = null;
            }
            return;
        }
        if (r.gapTimer !== null && !progressed) {
            return;
        }
        if (r.gapTimer !== null) {
            this._clearTimeout(r.gapTimer);
        }
        r.gapTimer = this._setTimeout(() => {
            r.gapTimer = null;
            if (this._rooms.get(r.name) === r && r.buffer.hasGap) {
                this._forceResume(r);
            }
        }, this.options.orderingTimeoutMs);
    }

    /** Ask the server again for everything after the last delivered record of the room; never skip. */
    _forceResume(r) {
        if (r.gapTimer !== null) {
            this._clearTimeout(r.gapTimer);
            r.gapTimer = null;
        }
        r.buffer.dropPending();
        r.resuming = true;
        if (this._conn) {
            this._conn.resumeRoom(r);
        }
    }

    _deliver(r, record) {
        const data = isObject(record.data) ? record.data : {};
        if (record.type === 'presence') {
            const user = typeof data.user === 'string' ? data.user : null;
            const at = r.membersAt;
            const fresh = !at || record.epoch !== at.epoch || record.seq > at.seq;
            if (user && fresh) {
                if (data.status === 'joined') {
                    r.members.add(user);
                } else if (data.status === 'left') {
                    r.members.delete(user);
                    this._stopTyping(r, user);
                }
            }
            this._emit('presence', {
                room: r.name,
                user,
                status: data.status,
                reason: data.reason,
                epoch: record.epoch,
                seq: record.seq,
                timestamp: record.timestamp,
            });
            return;
        }
        const message = {
            room: r.name,
            type: record.type,
            epoch: record.epoch,
            seq: record.seq,
            data: record.data,
            author: typeof data.author === 'string' ? data.author : undefined,
            timestamp: record.timestamp,
        };
        if (record.key !== undefined) {
            message.key = record.key;
        }
        if (record.format !== undefined) {
            message.format = record.format;
        }
        this._emit('message', message);
    }

    _onJoin(conn, m, data) {
        const r = typeof m.room === 'string' ? this._rooms.get(m.room) : undefined;
        if (typeof m.id === 'string') {
            const request = this._requests.get(m.id);
            this._requests.delete(m.id);
            if (request && request.room !== r) {
                return; // answers a join of an earlier membership (left and joined again since)
            }
        }
        if (!r || !isInt(data.epoch)) {
            return;
        }
        const epoch = data.epoch;
        const head = isInt(data.seq) ? data.seq : null;
        const from = isInt(data.from) ? data.from : head !== null ? head + 1 : null;
        if (from === null) {
            return;
        }
        const pos = r.buffer.position;
        if (pos && !(pos.epoch === epoch && from - 1 <= pos.seq)) {
            // The server did not resume exactly where asked and sent no resync: never hide the gap.
            this._emit('resync', { room: r.name, epoch, seq: head, from, requested: pos, synthetic: true });
        }
        r.buffer.conflated = data.conflated === true;
        r.buffer.reset(epoch, pos && pos.epoch === epoch ? Math.max(pos.seq, from - 1) : from - 1);
        r.members = new Set([...r.snapshot, ...strings(data.members)]);
        r.snapshot.clear();
        r.membersAt = { epoch, seq: head ?? from - 1 };
        r.resuming = false;
        r.history = false;
        r.joinData = {
            room: r.name,
            epoch,
            seq: head,
            from,
            conflated: data.conflated === true,
            membersTotal: isInt(data.membersTotal) ? data.membersTotal : r.members.size,
            members: [...r.members],
        };
        if (!r.settled) {
            r.settled = true;
            r.resolve({ ...r.joinData, members: [...r.joinData.members] });
        }
        this._emit('join', { ...r.joinData, members: [...r.joinData.members] });
        if (this._rooms.get(r.name) === r) {
            this._deliverAll(r, r.buffer.drain(), true);
        }
    }

    _onResync(m, data) {
        const r = typeof m.room === 'string' ? this._rooms.get(m.room) : undefined;
        if (!r || !isInt(data.epoch) || !isInt(data.from)) {
            return;
        }
        const pos = r.buffer.position;
        const requested = isObject(data.requested) ? { epoch: data.requested.epoch, seq: data.requested.seq } : pos;
        r.buffer.dropPending();
        r.buffer.reset(data.epoch, pos && pos.epoch === data.epoch ? Math.max(pos.seq, data.from - 1) : data.from - 1);
        r.resuming = false;
        this._emit('resync', { room: r.name, epoch: data.epoch, seq: data.seq, from: data.from, requested });
    }

    _onLeft(conn, m, data) {
        if (typeof m.id === 'string' && this._requests.has(m.id)) {
            this._requests.delete(m.id);
            return;
        }
        const r = typeof m.room === 'string' ? this._rooms.get(m.room) : undefined;
        if (!r) {
            return;
        }
        const reason = typeof data.reason === 'string' ? data.reason : undefined;
        this._emit('leave', { room: r.name, reason, seq: data.seq });
        if (reason === 'shutdown') {
            return; // the connection is about to close; the reconnect resumes the room
        }
        if (reason === 'left') {
            this._dropRoom(r);
            conn.forgetRoom(r);
            return;
        }
        // Cut loose (lagging, expired, ...): resume from the last delivered record.
        this._forceResume(r);
    }

    _onAck(m, data) {
        const entry = typeof m.id === 'string' ? this._inflight.get(m.id) : undefined;
        if (!entry) {
            return;
        }
        this._inflight.delete(m.id);
        entry.resolve({ room: entry.message.room, id: m.id, epoch: data.epoch, seq: data.seq });
    }

    _onError(conn, m, data) {
        const code = typeof data.code === 'string' ? data.code : 'unknown';
        const reason = typeof data.reason === 'string' ? data.reason : '';
        if (typeof m.id === 'string') {
            const entry = this._inflight.get(m.id);
            if (entry) {
                this._inflight.delete(m.id);
                entry.reject(new RoomwireError(code, reason, { room: entry.message.room }));
                return;
            }
            const request = this._requests.get(m.id);
            if (request) {
                this._requests.delete(m.id);
                if (request.kind === 'join' && this._onJoinError(conn, request.room, code, reason)) {
                    conn.joinRoom(request.room);
                }
                return;
            }
        }
        const r = typeof m.room === 'string' ? this._rooms.get(m.room) : undefined;
        if (r && conn.kind !== 'websocket' && JOIN_CODES.has(code)) {
            // SSE and long polling have no join ids: a join refusal names the room of the stream.
            if (this._onJoinError(conn, r, code, reason)) {
                conn.resumeRoom(r);
            }
            return;
        }
        this._emit('error', { code, reason, room: typeof m.room === 'string' ? m.room : undefined, id: m.id });
    }

    /**
     * A join (or resume) of a room was refused. The room is dropped and its join() rejects, except for
     * `already_joined` (ignored) and `resume_ahead` (the position is forgotten, a resync is emitted, and the
     * caller joins again live: returns true).
     */
    _onJoinError(conn, r, code, reason) {
        if (this._rooms.get(r.name) !== r || code === 'already_joined') {
            return false;
        }
        if (code === 'resume_ahead') {
            // The server has fewer records than this client delivered: start over live, and say so.
            const requested = r.buffer.position;
            r.buffer.clear();
            r.membersAt = null;
            this._emit('resync', { room: r.name, requested, reason: code, synthetic: true });
            return this._rooms.get(r.name) === r;
        }
        this._dropRoom(r);
        conn.forgetRoom(r);
        if (!r.settled) {
            r.settled = true;
            r.reject(new RoomwireError(code, reason, { room: r.name }));
        }
        this._emit('error', { code, reason, room: r.name });
        return false;
    }

    _onTyping(m, data) {
        const r = typeof m.room === 'string' ? this._rooms.get(m.room) : undefined;
        const user = typeof data.user === 'string' ? data.user : null;
        if (!r || !user) {
            return;
        }
        const typing = data.typing !== false;
        const previous = r.typists.get(user);
        if (previous !== undefined) {
            this._clearTimeout(previous);
            r.typists.delete(user);
        }
        if (typing) {
            const timer = this._setTimeout(() => {
                if (r.typists.get(user) === timer) {
                    r.typists.delete(user);
                    this._emit('typing', { room: r.name, user, typing: false, expired: true });
                }
            }, this.options.typingTimeoutMs);
            r.typists.set(user, timer);
        }
        this._emit('typing', { room: r.name, user, typing });
    }

    _stopTyping(r, user) {
        const timer = r.typists.get(user);
        if (timer !== undefined) {
            this._clearTimeout(timer);
            r.typists.delete(user);
            this._emit('typing', { room: r.name, user, typing: false });
        }
    }
}

// --------------------------------------------------------------------------------------------------------- transports
//
// A connection is one attempt on one transport. It reports to the client with _connOpened, _connHealthy, _onMessage
// and _connDown, and is dropped after _connDown (a reconnect makes a new one).

class WsConnection {
    constructor(client, token) {
        this.c = client;
        this.token = token;
        this.kind = 'websocket';
        this.opened = false;
        this.healthy = false;
        this.dead = false;
        this.sessionClosed = false;
        this.ws = null;
        this.connectTimer = null;
        this.heartbeatTimer = null;
        this.interval = 0;
        this.lastPong = 0;
    }

    start() {
        const c = this.c;
        const protocols = ['roomwire.json'];
        if (this.token) {
            protocols.push(`roomwire.token.${this.token}`);
        }
        if (typeof c._WebSocket !== 'function') {
            throw new Error('WebSocket is not available');
        }
        this.connectTimer = c._setTimeout(() => {
            this.connectTimer = null;
            this.fail({ timeout: true });
        }, c.options.connectTimeoutMs);
        const ws = new c._WebSocket(c._url('/ws', {}, true), protocols);
        this.ws = ws;
        ws.onmessage = (event) => {
            if (this.dead || typeof event?.data !== 'string') {
                return;
            }
            let message;
            try {
                message = JSON.parse(event.data);
            } catch {
                return;
            }
            c._onMessage(this, message);
        };
        ws.onclose = (event) => this.fail({ code: event?.code, reason: event?.reason });
        ws.onerror = noop; // a close event follows
    }

    onConnected(data) {
        if (this.opened || this.dead) {
            return;
        }
        const c = this.c;
        this.opened = true;
        this.clearConnectTimer();
        const serverInterval = Number(data?.heartbeatIntervalMs);
        this.interval = c.options.heartbeatIntervalMs ??
            (Number.isFinite(serverInterval) && serverInterval > 0 ? serverInterval : FALLBACK_HEARTBEAT_MS);
        this.lastPong = c._now();
        c._connOpened(this);
        if (this.dead) {
            return;
        }
        this.ping(); // its pong proves the connection healthy
        this.scheduleHeartbeat();
    }

    scheduleHeartbeat() {
        this.heartbeatTimer = this.c._setTimeout(() => this.heartbeat(), this.interval);
    }

    heartbeat() {
        this.heartbeatTimer = null;
        if (this.dead) {
            return;
        }
        if (this.c._now() - this.lastPong >= 2 * this.interval) {
            this.fail({ heartbeat: true }); // no pong for two intervals: the connection is dead
            return;
        }
        this.ping();
        this.scheduleHeartbeat();
    }

    ping() {
        this.send({ type: 'ping', data: { timestamp: this.c._now() } });
    }

    onPong() {
        this.lastPong = this.c._now();
        if (!this.healthy) {
            this.healthy = true;
            this.c._connHealthy(this);
        }
    }

    send(message) {
        if (this.dead || !this.ws || this.ws.readyState !== WS_OPEN) {
            return false;
        }
        try {
            this.ws.send(JSON.stringify(message));
            return true;
        } catch {
            return false;
        }
    }

    joinRoom(r) {
        if (!this.opened) {
            return; // joined when `connected` arrives
        }
        const id = this.c._nextId('j');
        const pos = r.buffer.position;
        let message;
        if (pos) {
            message = { type: 'resume', id, room: r.name, data: { epoch: pos.epoch, seq: pos.seq } };
        } else if (r.history) {
            message = { type: 'resume', id, room: r.name, data: { epoch: 0, seq: 0 } };
        } else {
            message = { type: 'join', id, room: r.name };
        }
        if (this.send(message)) {
            this.c._requests.set(id, { kind: 'join', room: r });
        }
    }

    leaveRoom(r) {
        if (!this.opened) {
            return;
        }
        const id = this.c._nextId('l');
        if (this.send({ type: 'leave', id, room: r.name })) {
            this.c._requests.set(id, { kind: 'leave', room: r });
        }
    }

    /** Leave and rejoin from the last delivered record, on the same socket (the server processes them in order). */
    resumeRoom(r) {
        if (!this.opened) {
            return;
        }
        this.leaveRoom(r);
        this.joinRoom(r);
    }

    forgetRoom() {
    }

    clearConnectTimer() {
        if (this.connectTimer !== null) {
            this.c._clearTimeout(this.connectTimer);
            this.connectTimer = null;
        }
    }

    fail({ code, reason, timeout, heartbeat, error } = {}) {
        if (this.dead) {
            return;
        }
        this.close();
        const auth = code === 1008;
        if (reason && !this.sessionClosed && code !== 1000) {
            this.c._emit('error', { code: String(reason), reason: `connection closed (${code})`, closeCode: code });
        }
        this.c._connDown(this, { opened: this.opened, countFailure: !auth, timeout, heartbeat, error });
    }

    close() {
        this.dead = true;
        this.clearConnectTimer();
        if (this.heartbeatTimer !== null) {
            this.c._clearTimeout(this.heartbeatTimer);
            this.heartbeatTimer = null;
        }
        const ws = this.ws;
        if (ws) {
            ws.onmessage = null;
            ws.onclose = null;
            ws.onerror = null;
            try {
                ws.close(1000);
            } catch {
                // already closed
            }
        }
    }
}

class SseConnection {
    constructor(client, token) {
        this.c = client;
        this.token = token;
        this.kind = 'sse';
        this.opened = false;
        this.dead = false;
        this.sessionClosed = false;
        this.streams = new Map();
        this.connectTimer = null;
    }

    start() {
        const c = this.c;
        if (typeof c._EventSource !== 'function') {
            throw new Error('EventSource is not available');
        }
        this.connectTimer = c._setTimeout(() => {
            this.connectTimer = null;
            this.fail();
        }, c.options.connectTimeoutMs);
        for (const r of [...c._rooms.values()]) {
            this.openStream(r);
        }
        this.checkOpen();
    }

    url(r) {
        const pos = r.buffer.position;
        return this.c._url(`/events/${pathSegment(r.name)}`, {
            token: this.token,
            lastEventId: pos ? `${pos.epoch}-${pos.seq}` : undefined,
            history: !pos && r.history ? 'all' : undefined,
        });
    }

    openStream(r) {
        if (this.dead) {
            return;
        }
        const url = this.url(r);
        let es;
        try {
            es = new this.c._EventSource(url);
        } catch {
            this.fail();
            return;
        }
        const stream = { es, url, room: r, open: false };
        this.streams.set(r.name, stream);
        es.addEventListener('open', () => {
            if (this.current(stream)) {
                stream.open = true;
                this.checkOpen();
            }
        });
        const onEvent = (event) => this.onEvent(stream, event);
        for (const type of SSE_EVENT_TYPES) {
            es.addEventListener(type, onEvent);
        }
    }

    current(stream) {
        return !this.dead && this.streams.get(stream.room.name) === stream;
    }

    onEvent(stream, event) {
        if (!this.current(stream)) {
            return;
        }
        if (typeof event?.data !== 'string') {
            if (event?.type === 'error') {
                // The EventSource's own error (not a server `event: error`): the stream broke or was refused.
                if (stream.open) {
                    this.fail();
                } else {
                    this.probe(stream);
                }
            }
            return;
        }
        let message;
        try {
            message = JSON.parse(event.data);
        } catch {
            return;
        }
        this.c._onMessage(this, message);
    }

    /**
     * A stream failed before it opened. EventSource hides the HTTP status, so ask again with fetch (aborted as soon
     * as the headers arrive) to tell a refusal of this one room (403, 409, 400: the room is dropped and its join()
     * rejects; 401: an auth error) from a broken transport.
     */
    async probe(stream) {
        const c = this.c;
        const r = stream.room;
        this.closeStream(r.name);
        this.streams.set(r.name, stream); // still pending: keeps the connection from counting as open
        let status = 0;
        let body = null;
        const controller = typeof AbortController === 'function' ? new AbortController() : null;
        const timer = c._setTimeout(() => {
            if (!this.dead && this.streams.get(r.name) === stream) {
                this.fail();
            }
        }, c.options.connectTimeoutMs);
        try {
            const response = await c._fetchImpl(stream.url, {
                method: 'GET',
                headers: { Accept: 'text/event-stream' },
                cache: 'no-store',
                signal: controller?.signal,
            });
            status = response.status;
            if (!response.ok) {
                body = await readJson(response);
            }
        } catch {
            status = 0;
        } finally {
            c._clearTimeout(timer);
            try {
                controller?.abort();
            } catch {
                // ignore
            }
        }
        if (this.dead || this.streams.get(r.name) !== stream) {
            return;
        }
        const data = isObject(body) && isObject(body.data) ? body.data : {};
        const code = typeof data.code === 'string' ? data.code : `http_${status}`;
        const reason = typeof data.reason === 'string' ? data.reason : '';
        if (status === 401 || AUTH_CODES.has(code)) {
            c._emit('error', { code, reason, status });
            this.fail(false);
            return;
        }
        if (status === 403 || status === 409 || (status === 400 && JOIN_CODES.has(code))) {
            this.streams.delete(r.name);
            if (c._onJoinError(this, r, code, reason) && !this.dead) {
                this.openStream(r); // resume_ahead: the position is forgotten, start over live
            }
            this.checkOpen();
            return;
        }
        this.fail();
    }

    checkOpen() {
        if (this.opened || this.dead) {
            return;
        }
        for (const stream of this.streams.values()) {
            if (!stream.open) {
                return;
            }
        }
        this.opened = true;
        if (this.connectTimer !== null) {
            this.c._clearTimeout(this.connectTimer);
            this.connectTimer = null;
        }
        this.c._connHealthy(this);
        this.c._connOpened(this);
    }

    closeStream(name) {
        const stream = this.streams.get(name);
        if (stream) {
            this.streams.delete(name);
            try {
                stream.es.close();
            } catch {
                // ignore
            }
        }
    }

    joinRoom(r) {
        if (!this.streams.has(r.name)) {
            this.openStream(r);
        }
    }

    leaveRoom(r) {
        this.closeStream(r.name);
        this.checkOpen();
    }

    forgetRoom(r) {
        this.leaveRoom(r);
    }

    /** Reopen the room's stream from the last delivered record. */
    resumeRoom(r) {
        this.closeStream(r.name);
        this.openStream(r);
    }

    onConnected() {
    }

    onPong() {
    }

    fail(countFailure = true) {
        if (this.dead) {
            return;
        }
        this.close();
        this.c._connDown(this, { opened: this.opened, countFailure });
    }

    close() {
        this.dead = true;
        if (this.connectTimer !== null) {
            this.c._clearTimeout(this.connectTimer);
            this.connectTimer = null;
        }
        for (const name of [...this.streams.keys()]) {
            this.closeStream(name);
        }
    }
}

class PollConnection {
    constructor(client, token) {
        this.c = client;
        this.token = token;
        this.kind = 'longpoll';
        this.opened = false;
        this.succeeded = false;
        this.dead = false;
        this.sessionClosed = false;
        this.polls = new Map();
        this.graceTimer = null;
    }

    start() {
        const c = this.c;
        if (typeof c._fetchImpl !== 'function') {
            throw new Error('fetch is not available');
        }
        for (const r of [...c._rooms.values()]) {
            this.startPoll(r);
        }
        if (this.polls.size === 0) {
            this.markOpen();
        } else {
            this.graceTimer = c._setTimeout(() => {
                this.graceTimer = null;
                this.markOpen();
            }, POLL_OPEN_GRACE_MS);
        }
    }

    markOpen() {
        if (this.opened || this.dead) {
            return;
        }
        this.opened = true;
        if (this.graceTimer !== null) {
            this.c._clearTimeout(this.graceTimer);
            this.graceTimer = null;
        }
        this.c._connOpened(this);
    }

    startPoll(r) {
        const poll = { room: r, stopped: false, controller: null, timer: null };
        this.polls.set(r.name, poll);
        this.loop(poll);
    }

    active(poll) {
        return !this.dead && !poll.stopped && this.polls.get(poll.room.name) === poll;
    }

    async loop(poll) {
        const c = this.c;
        const r = poll.room;
        while (this.active(poll)) {
            const pos = r.buffer.position;
            const url = c._url(`/poll/${pathSegment(r.name)}`, {
                after: pos ? `${pos.epoch}-${pos.seq}` : r.history ? '0-0' : undefined,
                sid: r.sid,
            });
            const headers = {};
            if (this.token) {
                headers.Authorization = `Bearer ${this.token}`;
            }
            const controller = typeof AbortController === 'function' ? new AbortController() : null;
            poll.controller = controller;
            let timedOut = false;
            poll.timer = c._setTimeout(() => {
                poll.timer = null;
                timedOut = true;
                controller?.abort();
                if (this.active(poll)) {
                    this.fail();
                }
            }, c.options.pollTimeoutMs);
            let response;
            let body;
            try {
                response = await c._fetchImpl(url, { method: 'GET', headers, cache: 'no-store', signal: controller?.signal });
                body = await readJson(response);
            } catch {
                this.clearPollTimer(poll);
                if (this.active(poll) && !timedOut) {
                    this.fail();
                }
                return;
            }
            this.clearPollTimer(poll);
            if (!this.active(poll) || timedOut) {
                return;
            }
            if (!response.ok) {
                if (!this.onHttpError(poll, response.status, body)) {
                    return;
                }
                continue;
            }
            if (!isObject(body) || !Array.isArray(body.messages)) {
                this.fail();
                return;
            }
            if (typeof body.sid === 'string' && body.sid) {
                r.sid = body.sid;
            }
            if (!this.succeeded) {
                this.succeeded = true;
                c._connHealthy(this);
                this.markOpen();
                if (!this.active(poll)) {
                    return;
                }
            }
            for (const message of body.messages) {
                c._onMessage(this, message);
                if (!this.active(poll)) {
                    return; // left, resumed or failed while handling the batch
                }
            }
        }
    }

    clearPollTimer(poll) {
        if (poll.timer !== null) {
            this.c._clearTimeout(poll.timer);
            poll.timer = null;
        }
    }

    /** @return true to poll again at once. */
    onHttpError(poll, status, body) {
        const data = isObject(body) && isObject(body.data) ? body.data : {};
        const code = typeof data.code === 'string' ? data.code : `http_${status}`;
        const reason = typeof data.reason === 'string' ? data.reason : '';
        if (status === 410 || code === 'unknown_session') {
            poll.room.sid = null;
            return true;
        }
        if (status === 401 || AUTH_CODES.has(code)) {
            this.c._emit('error', { code, reason, status });
            this.fail(false);
            return false;
        }
        if (status === 403 || status === 409 || (status === 400 && JOIN_CODES.has(code))) {
            return this.c._onJoinError(this, poll.room, code, reason) && this.active(poll);
        }
        this.fail();
        return false;
    }

    stopPoll(name) {
        const poll = this.polls.get(name);
        if (poll) {
            this.polls.delete(name);
            poll.stopped = true;
            this.clearPollTimer(poll);
            try {
                poll.controller?.abort();
            } catch {
                // ignore
            }
        }
    }

    joinRoom(r) {
        if (!this.polls.has(r.name)) {
            this.startPoll(r);
        }
    }

    leaveRoom(r) {
        this.stopPoll(r.name);
    }

    forgetRoom(r) {
        this.stopPoll(r.name);
    }

    /** Restart the room's poll from the last delivered record (same sid). */
    resumeRoom(r) {
        this.stopPoll(r.name);
        this.startPoll(r);
    }

    onConnected() {
    }

    onPong() {
    }

    fail(countFailure = true) {
        if (this.dead) {
            return;
        }
        const opened = this.succeeded;
        this.close();
        this.c._connDown(this, { opened, countFailure });
    }

    close() {
        this.dead = true;
        if (this.graceTimer !== null) {
            this.c._clearTimeout(this.graceTimer);
            this.graceTimer = null;
        }
        for (const name of [...this.polls.keys()]) {
            this.stopPoll(name);
        }
    }
}
