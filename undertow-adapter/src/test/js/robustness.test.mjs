import test from 'node:test';
import assert from 'node:assert/strict';

import { connectedWs, flush, setup, text } from './fakes.mjs';

test('malformed server messages and unknown types are ignored without throwing', async () => {
    const t = await connectedWs({}, { general: { seq: 0 } });
    const garbage = [
        'not json', '', '[]', 'null', '42', '"str"', '{', '{"type":null}', '{"type":"whatever","data":{}}',
        { type: 'text' }, { type: 'text', room: 'general', seq: '1', epoch: 100 }, { type: 'text', room: 5, seq: 1, epoch: 100 },
        { type: 'text', room: 'general', seq: 1.5, epoch: 100 }, { type: 'presence', room: 'general', data: 'x' },
        { type: 'presence', room: 'general', data: { snapshot: true, members: 'me' } },
        { type: 'join', room: 'general', data: null }, { type: 'join', room: 'general', data: { epoch: 'x' } },
        { type: 'join' }, { type: 'resume', room: 'general', data: { status: 'resync' } },
        { type: 'ack', id: 'nope', data: {} }, { type: 'ack' }, { type: 'error' }, { type: 'error', data: [] },
        { type: 'typing', room: 'general', data: {} }, { type: 'typing', data: { user: 'x' } },
        { type: 'leave', id: 42 }, { type: 'pong' }, { type: 'system', data: { event: 'surprise' } },
        { type: 'text', room: 'elsewhere', seq: 1, epoch: 100, data: {} },
        { type: '__proto__', data: {} }, { type: 'constructor' },
    ];
    for (const message of garbage) {
        assert.doesNotThrow(() => t.socket.receive(message));
    }
    assert.doesNotThrow(() => t.socket.onmessage({ data: new ArrayBuffer(8) }));
    assert.doesNotThrow(() => t.socket.onmessage(undefined));
    // The client still works, and the well-formed-looking but invalid records did not move anything.
    t.socket.receive(text('general', 1));
    assert.deepEqual(t.events.message.map((m) => m.seq), [1]);
    assert.equal(t.client.state, 'open');
    assert.deepEqual(t.client.members('general'), []);
});

test('a message without data still delivers (data as sent), and a record with extra fields is accepted', async () => {
    const t = await connectedWs({}, { general: { seq: 0 } });
    t.socket.receive({ type: 'message', room: 'general', epoch: 100, seq: 1, key: 'k', timestamp: 5, extra: true });
    assert.equal(t.events.message[0].key, 'k');
    assert.equal(t.events.message[0].data, undefined);
    assert.equal(t.events.message[0].author, undefined);
});

test('a throwing event handler does not break delivery to other handlers or the client', async () => {
    const t = await connectedWs({}, { general: { seq: 0 } });
    const seen = [];
    const originalError = console.error;
    const reported = [];
    console.error = (e) => reported.push(e);
    try {
        t.client.on('message', () => {
            throw new Error('application bug');
        });
        t.client.on('message', (m) => seen.push(m.seq));
        t.socket.receive(text('general', 1));
        t.socket.receive(text('general', 2));
    } finally {
        console.error = originalError;
    }
    assert.deepEqual(seen, [1, 2]);
    assert.equal(reported.length, 2);
    assert.equal(t.client.position('general').seq, 2);
});

test('on() returns an unsubscribe function; off(event, handler) and off(event) remove handlers', async () => {
    const t = await connectedWs({}, { general: { seq: 0 } });
    const a = [];
    const b = [];
    const unsubscribe = t.client.on('message', (m) => a.push(m.seq));
    const handler = (m) => b.push(m.seq);
    t.client.on('message', handler);
    t.socket.receive(text('general', 1));
    unsubscribe();
    t.socket.receive(text('general', 2));
    t.client.off('message', handler);
    t.socket.receive(text('general', 3));
    assert.deepEqual(a, [1]);
    assert.deepEqual(b, [1, 2]);
    assert.throws(() => t.client.on('message', 'nope'), TypeError);
});

test('a handler may leave the room or close the client in the middle of a delivery', async () => {
    const t = await connectedWs({}, { general: { seq: 0 } });
    const seen = [];
    t.client.on('message', (m) => {
        seen.push(m.seq);
        if (m.seq === 2) {
            t.client.leave('general');
        }
    });
    t.socket.receive(text('general', 3));
    t.socket.receive(text('general', 4));
    t.socket.receive(text('general', 1));
    t.socket.receive(text('general', 2));
    assert.deepEqual(seen, [1, 2]);
    const other = await connectedWs({}, { general: { seq: 0 } });
    other.client.on('message', () => other.client.close());
    assert.doesNotThrow(() => other.socket.receive(text('general', 1)));
    assert.equal(other.client.state, 'closed');
});

test('server errors not tied to a request become error events; connected and closed system messages are understood', async () => {
    const t = await connectedWs();
    assert.equal(t.client.user, 'me');
    assert.equal(t.events.connected[0].heartbeatIntervalMs, 10000);
    t.socket.receive({ type: 'error', room: 'general', data: { code: 'not_a_member', reason: 'typing outside a room' } });
    assert.deepEqual(t.events.error[0], { code: 'not_a_member', reason: 'typing outside a room', room: 'general', id: undefined });
    t.socket.receive({ type: 'system', data: { event: 'closed', code: 'lagging', reason: 'too slow' } });
    t.socket.serverClose(4040, 'lagging');
    assert.equal(t.events.error.length, 2, 'the close frame after SessionClosed is not reported twice');
    assert.equal(t.events.error[1].code, 'lagging');
    assert.equal(t.client.state, 'reconnecting');
});

test('baseUrl: relative to the page, with a path prefix, http and https', async () => {
    const original = globalThis.location;
    globalThis.location = { href: 'https://app.example.test/chat/index.html' };
    try {
        const t = setup({ baseUrl: '/rw', transports: ['sse'], token: 'x y' });
        t.client.join('a:b.c-d_e');
        t.client.connect();
        await flush();
        assert.equal(t.es.live()[0].url, 'https://app.example.test/rw/events/a:b.c-d_e?token=x+y');
    } finally {
        globalThis.location = original;
    }
});
