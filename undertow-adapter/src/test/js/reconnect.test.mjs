import test from 'node:test';
import assert from 'node:assert/strict';

import { backoffDelay, RoomwireClient } from '../../main/resources/web/client.js';
import { connectedWs, flush, joined, setup, text } from './fakes.mjs';

test('backoff: full jitter, delay in [0, cap) with cap = min(max, base * 2^attempt)', () => {
    const options = { baseDelayMs: 500, maxDelayMs: 30000 };
    const caps = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000];
    caps.forEach((cap, attempt) => {
        assert.equal(backoffDelay(attempt, { ...options, random: () => 0 }), 0);
        assert.equal(backoffDelay(attempt, { ...options, random: () => 0.5 }), cap / 2);
        const top = backoffDelay(attempt, { ...options, random: () => 0.999999 });
        assert.ok(top < cap && top > cap * 0.99, `attempt ${attempt}: ${top} < ${cap}`);
        assert.ok(backoffDelay(attempt, { ...options, random: () => 1 }) < cap);
    });
});

test('reconnect: delays are drawn with full jitter under growing caps, and reset once healthy', async () => {
    const t = setup({ baseDelayMs: 500, maxDelayMs: 4000, transports: ['websocket'] });
    const delays = [];
    t.randoms.value = 0.999;
    t.client.connect();
    await flush();
    for (let i = 0; i < 6; i++) {
        t.ws.last().serverClose(1006);
        delays.push(t.client.lastDelay);
        await t.clock.advance(t.client.lastDelay);
    }
    const caps = [500, 1000, 2000, 4000, 4000, 4000];
    delays.forEach((delay, i) => {
        assert.ok(delay >= 0 && delay < caps[i], `${delay} < ${caps[i]}`);
        assert.ok(delay > caps[i] * 0.99);
    });
    // A connection that opens and answers the first ping is healthy: the next delay is drawn from the base cap.
    const socket = t.ws.last();
    socket.accept();
    const ping = socket.ofType('ping')[0];
    socket.receive({ type: 'pong', data: { timestamp: ping.data.timestamp, serverTimestamp: 1 } });
    socket.serverClose(1006);
    assert.ok(t.client.lastDelay < 500);
});

test('reconnect: an open connection that never proved healthy keeps growing the backoff', async () => {
    const t = setup({ baseDelayMs: 500, maxDelayMs: 30000, transports: ['websocket'] });
    t.randoms.value = 0.999;
    t.client.connect();
    await flush();
    t.ws.last().accept();
    t.ws.last().serverClose(1001, 'shutting_down');
    assert.ok(t.client.lastDelay < 500);
    await t.clock.advance(500);
    t.ws.last().accept();
    t.ws.last().serverClose(1001, 'shutting_down');
    assert.ok(t.client.lastDelay > 500 && t.client.lastDelay < 1000);
});

test('reconnect: every joined room is resumed from its last delivered (epoch, seq); rooms without records resume from the join', async () => {
    const t = await connectedWs({}, { general: { seq: 10 }, random: { epoch: 222, seq: 0 }, quiet: { epoch: 333, seq: 7 } });
    const socket = t.socket;
    socket.receive(text('general', 11));
    socket.receive(text('general', 12));
    socket.receive(text('random', 1, { epoch: 222 }));
    socket.serverClose(1006);
    assert.equal(t.client.state, 'reconnecting');
    await t.clock.advance(1000);
    const next = t.ws.last();
    assert.notEqual(next, socket);
    next.accept();
    const resumes = Object.fromEntries(next.ofType('resume').map((m) => [m.room, m.data]));
    assert.deepEqual(resumes, {
        general: { epoch: 100, seq: 12 },
        random: { epoch: 222, seq: 1 },
        quiet: { epoch: 333, seq: 7 },
    });
    assert.equal(next.ofType('join').length, 0);
    // The replay delivers what was missed, without duplicates.
    const id = next.ofType('resume').find((m) => m.room === 'general').id;
    next.receive(joined('general', { seq: 14, from: 13 }, id));
    next.receive(text('general', 12));
    next.receive(text('general', 13));
    next.receive(text('general', 14));
    assert.deepEqual(t.events.message.filter((m) => m.room === 'general').map((m) => m.seq), [11, 12, 13, 14]);
});

test('reconnect: a room joined while disconnected is joined (not resumed) once connected; a left room is not', async () => {
    const t = await connectedWs({}, { general: { seq: 3 } });
    t.socket.serverClose(1006);
    t.client.join('later');
    t.client.leave('general');
    await t.clock.advance(1000);
    const next = t.ws.last();
    next.accept();
    assert.deepEqual(next.sent.filter((m) => m.type !== 'ping').map((m) => [m.type, m.room]), [['join', 'later']]);
});

test('reconnect: join(room, {resume}) and join(room, {history: true}) ask for a resume point', async () => {
    const t = setup();
    t.client.connect();
    t.client.join('a', { resume: { epoch: 5, seq: 9 } });
    t.client.join('b', { history: true });
    await flush();
    t.ws.last().accept();
    const sent = Object.fromEntries(t.ws.last().ofType('resume').map((m) => [m.room, m.data]));
    assert.deepEqual(sent, { a: { epoch: 5, seq: 9 }, b: { epoch: 0, seq: 0 } });
});

test('websocket: /ws with the token as a subprotocol beside roomwire.json, never in the URL', async () => {
    const t = setup({ token: 'aaa.bbb.ccc', baseUrl: 'https://chat.example.test/base/' });
    t.client.connect();
    await flush();
    const socket = t.ws.last();
    assert.equal(socket.url, 'wss://chat.example.test/base/ws');
    assert.deepEqual(socket.protocols, ['roomwire.json', 'roomwire.token.aaa.bbb.ccc']);
    const anonymous = setup();
    anonymous.client.connect();
    await flush();
    assert.equal(anonymous.ws.last().url, 'ws://example.test/ws');
    assert.deepEqual(anonymous.ws.last().protocols, ['roomwire.json']);
});

test('tokenProvider is called on every (re)connect', async () => {
    let calls = 0;
    const t = setup({ tokenProvider: async () => `t${++calls}` });
    t.client.connect();
    await flush();
    assert.deepEqual(t.ws.last().protocols, ['roomwire.json', 'roomwire.token.t1']);
    t.ws.last().serverClose(1006);
    await t.clock.advance(1000);
    assert.deepEqual(t.ws.last().protocols, ['roomwire.json', 'roomwire.token.t2']);
    assert.equal(calls, 2);
});

test('a failing tokenProvider is retried with backoff and reported', async () => {
    let calls = 0;
    const t = setup({
        tokenProvider: async () => {
            calls += 1;
            if (calls === 1) {
                throw new Error('no token service');
            }
            return 'tok';
        },
    });
    t.client.connect();
    await flush();
    assert.equal(t.ws.sockets.length, 0);
    assert.equal(t.events.error[0].code, 'token_error');
    await t.clock.advance(1000);
    assert.equal(t.ws.sockets.length, 1);
});

test('state events: connecting, open, reconnecting, open, closed, each with the transport', async () => {
    const t = setup();
    t.client.connect();
    await flush();
    t.ws.last().accept();
    t.ws.last().serverClose(1006);
    await t.clock.advance(1000);
    t.ws.last().accept();
    t.client.close();
    assert.deepEqual(t.events.state, [
        { state: 'connecting', transport: 'websocket' },
        { state: 'open', transport: 'websocket' },
        { state: 'reconnecting', transport: 'websocket' },
        { state: 'open', transport: 'websocket' },
        { state: 'closed', transport: 'websocket' },
    ]);
    assert.equal(t.client.state, 'closed');
});

test('fallback: after fallbackAfterFailures consecutive failures to open, the next transport is tried', async () => {
    const t = setup({ fallbackAfterFailures: 2 });
    t.client.join('general');
    t.client.connect();
    await flush();
    t.ws.last().serverClose(1006);
    assert.equal(t.client.transport, 'websocket');
    await t.clock.advance(1000);
    t.ws.last().serverClose(1006);
    assert.equal(t.client.transport, 'sse');
    assert.deepEqual(t.events.state.at(-1), { state: 'reconnecting', transport: 'sse' });
    await t.clock.advance(2000);
    assert.equal(t.ws.sockets.length, 2);
    assert.equal(t.es.live().length, 1);
    t.es.live()[0].fail();
    await flush();
    t.http.open('/events/general')[0].fail(); // the probe: no answer either
    await t.clock.advance(4000);
    t.es.live()[0].fail();
    await flush();
    t.http.open('/events/general')[0].respond(502, 'Bad Gateway');
    await flush();
    assert.equal(t.client.transport, 'longpoll');
    await t.clock.advance(8000);
    assert.equal(t.http.polls('general').length, 1);
});

test('fallback: failures to reopen a transport that has opened before never move to another one', async () => {
    const t = setup({ fallbackAfterFailures: 2 });
    t.client.connect();
    await flush();
    t.ws.last().serverClose(1006); // failure 1 to open a transport that never opened
    await t.clock.advance(1000);
    t.ws.last().accept();
    t.ws.last().serverClose(1006); // it opened, then dropped: a network outage, not a transport that cannot work
    for (let i = 0; i < 5; i++) {
        await t.clock.advance(60000);
        t.ws.last().serverClose(1006);
    }
    assert.equal(t.client.transport, 'websocket', 'a brief outage does not move the client off WebSocket for good');
});

test('fallback: a transport that never opened is left after the failures; a fallback that drops tries the first again', async () => {
    const t = setup({ fallbackAfterFailures: 2 });
    t.client.join('general');
    t.client.connect();
    await flush();
    t.ws.last().serverClose(1006);
    await t.clock.advance(1000);
    t.ws.last().serverClose(1006);
    assert.equal(t.client.transport, 'sse');
    await t.clock.advance(2000);
    const source = t.es.forRoom('general');
    source.open();
    assert.equal(t.client.state, 'open');
    source.fail();
    assert.equal(t.client.transport, 'websocket', 'the preferred transport is tried again first');
});

test('fallback: a socket that opens but never says connected fails after connectTimeoutMs', async () => {
    const t = setup({ fallbackAfterFailures: 1, connectTimeoutMs: 5000 });
    t.client.connect();
    await flush();
    t.ws.last().open();
    await t.clock.advance(5000);
    assert.ok(t.ws.last().closedByClient);
    assert.equal(t.client.transport, 'sse');
});

test('fallback: an auth refusal (1008) is reported and retried but does not move to another transport', async () => {
    const t = setup({ fallbackAfterFailures: 1 });
    t.client.connect();
    await flush();
    t.ws.last().open();
    t.ws.last().serverClose(1008, 'token_expired');
    assert.equal(t.client.transport, 'websocket');
    assert.equal(t.events.error[0].code, 'token_expired');
    assert.equal(t.events.error[0].closeCode, 1008);
    assert.equal(t.client.state, 'reconnecting');
});

test('fallback: transports option restricts and orders the transports', async () => {
    const t = setup({ transports: ['longpoll'] });
    assert.equal(t.client.transport, 'longpoll');
    assert.throws(() => new RoomwireClient('http://x.test', { transports: ['carrier-pigeon'] }), TypeError);
});

test('maxRetries: the client gives up and closes after that many failed attempts in a row', async () => {
    const t = setup({ maxRetries: 2, transports: ['websocket'] });
    t.client.connect();
    await flush();
    t.ws.last().serverClose(1006);
    await t.clock.advance(1000);
    t.ws.last().serverClose(1006);
    await t.clock.advance(1000);
    t.ws.last().serverClose(1006);
    assert.equal(t.client.state, 'closed');
    assert.equal(t.events.error.at(-1).code, 'retries_exhausted');
    await t.clock.advance(60000);
    assert.equal(t.ws.sockets.length, 3);
});

test('close(): no reconnect, timers cleared, socket closed', async () => {
    const t = await connectedWs({}, { general: { seq: 1 } });
    t.client.close();
    assert.ok(t.socket.closedByClient);
    await t.clock.advance(120000);
    assert.equal(t.ws.sockets.length, 1);
    assert.equal(t.clock.timers.size, 0);
    assert.throws(() => t.client.connect(), /closed/);
    await assert.rejects(t.client.join('x'), { code: 'closed' });
});

test('fallback: after the last transport, the first is tried again', async () => {
    const t = setup({ fallbackAfterFailures: 1, transports: ['websocket', 'longpoll'] });
    t.client.join('general');
    t.client.connect();
    await flush();
    t.ws.last().serverClose(1006);
    assert.equal(t.client.transport, 'longpoll');
    await t.clock.advance(1000);
    t.http.polls('general')[0].fail();
    await flush();
    assert.equal(t.client.transport, 'websocket');
});

test('leave then join again: the answer to the old join is not taken for the new one', async () => {
    const t = await connectedWs();
    t.client.join('general');
    t.client.leave('general');
    const again = t.client.join('general');
    const [oldJoin, newJoin] = t.socket.ofType('join');
    const [oldLeave] = t.socket.ofType('leave');
    assert.notEqual(oldJoin.id, newJoin.id);
    // The server answers in order: the old join, a record of the old membership, the leave, then the new join.
    t.socket.receive(joined('general', { seq: 4 }, oldJoin.id));
    t.socket.receive(text('general', 5));
    t.socket.receive({ type: 'leave', id: oldLeave.id, room: 'general', data: { reason: 'left', seq: 5 } });
    t.socket.receive(joined('general', { seq: 9 }, newJoin.id));
    t.socket.receive(text('general', 10));
    assert.equal(t.events.resync.length, 0);
    assert.equal((await again).seq, 9);
    assert.deepEqual(t.events.message.map((m) => m.seq), [10]);
    assert.deepEqual(t.client.position('general'), { epoch: 100, seq: 10 });
});
