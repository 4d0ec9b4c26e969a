import test from 'node:test';
import assert from 'node:assert/strict';

import { connectedWs, flush, joined, presence, setup } from './fakes.mjs';

const sorted = (list) => [...list].sort();

test('presence: members come from the join snapshot plus presence snapshots sent before it', async () => {
    const t = await connectedWs();
    const p = t.client.join('general');
    const id = t.socket.ofType('join')[0].id;
    t.socket.receive({ type: 'presence', room: 'general', data: { snapshot: true, members: ['a', 'b'] } });
    t.socket.receive({ type: 'presence', room: 'general', data: { snapshot: true, members: ['c'] } });
    assert.deepEqual(t.client.members('general'), []);
    t.socket.receive(joined('general', { seq: 5, members: ['d', 'me'] }, id));
    assert.deepEqual(sorted(t.client.members('general')), ['a', 'b', 'c', 'd', 'me']);
    const data = await p;
    assert.equal(data.room, 'general');
    assert.equal(data.epoch, 100);
    assert.equal(data.seq, 5);
    assert.equal(data.from, 6);
    assert.equal(data.conflated, false);
    assert.deepEqual(sorted(data.members), ['a', 'b', 'c', 'd', 'me']);
    assert.deepEqual(sorted(t.events.join[0].members), ['a', 'b', 'c', 'd', 'me']);
});

test('presence: records add and remove members in seq order and emit presence events', async () => {
    const t = await connectedWs({}, { general: { seq: 5, members: ['me', 'a'] } });
    t.socket.receive(presence('general', 7, 'a', 'left', { reason: 'expired' }));
    t.socket.receive(presence('general', 6, 'b', 'joined'));
    assert.deepEqual(sorted(t.client.members('general')), ['b', 'me']);
    assert.deepEqual(t.events.presence.map(({ room, user, status, reason, seq }) => ({ room, user, status, reason, seq })), [
        { room: 'general', user: 'b', status: 'joined', reason: undefined, seq: 6 },
        { room: 'general', user: 'a', status: 'left', reason: 'expired', seq: 7 },
    ]);
});

test('presence: records replayed on resume (at or before the join head) do not undo the fresh snapshot', async () => {
    const t = await connectedWs({}, { general: { seq: 5, members: ['me', 'a'] } });
    t.socket.serverClose(1006);
    await t.clock.advance(1000);
    const socket = t.ws.last();
    socket.accept();
    const resume = socket.ofType('resume')[0];
    // While away, a left and came back (seq 6, 7), b joined (8). The snapshot at head 8 says me, a, b.
    socket.receive(joined('general', { seq: 8, from: 6, members: ['me', 'a', 'b'] }, resume.id));
    socket.receive(presence('general', 6, 'a', 'left'));
    assert.deepEqual(sorted(t.client.members('general')), ['a', 'b', 'me']);
    socket.receive(presence('general', 7, 'a', 'joined'));
    socket.receive(presence('general', 8, 'b', 'joined'));
    assert.equal(t.events.presence.length, 3); // the application still sees the history
    socket.receive(presence('general', 9, 'b', 'left'));
    assert.deepEqual(sorted(t.client.members('general')), ['a', 'me']);
});

test('presence: members of an unknown room is empty; leave forgets the room', async () => {
    const t = await connectedWs({}, { general: { seq: 1, members: ['me'] } });
    assert.deepEqual(t.client.members('nowhere'), []);
    t.client.leave('general');
    assert.deepEqual(t.client.members('general'), []);
    assert.deepEqual(t.socket.ofType('leave').map((m) => m.room), ['general']);
    assert.equal(t.client.position('general'), null);
});

test('a refused join rejects join() with the server error, drops the room and emits error', async () => {
    const t = await connectedWs();
    const p = t.client.join('secret');
    const id = t.socket.ofType('join')[0].id;
    t.socket.receive({ type: 'error', id, room: 'secret', data: { code: 'not_permitted', reason: 'no grant' } });
    await assert.rejects(p, { code: 'not_permitted', reason: 'no grant' });
    assert.deepEqual(t.client.rooms, []);
    assert.equal(t.events.error[0].code, 'not_permitted');
    assert.equal(t.events.error[0].room, 'secret');
});

test('typing: indicators from typing messages, cleared by typing false, expired after typingTimeoutMs', async () => {
    const t = await connectedWs({ typingTimeoutMs: 5000 }, { general: { seq: 1 } });
    t.socket.receive({ type: 'typing', room: 'general', data: { user: 'u7', typing: true } });
    t.socket.receive({ type: 'typing', room: 'general', data: { user: 'u8', typing: true } });
    assert.deepEqual(sorted(t.client.typists('general')), ['u7', 'u8']);
    t.socket.receive({ type: 'typing', room: 'general', data: { user: 'u8', typing: false } });
    assert.deepEqual(t.client.typists('general'), ['u7']);
    await t.clock.advance(4000);
    t.socket.receive({ type: 'typing', room: 'general', data: { user: 'u7', typing: true } }); // refreshes the indicator
    await t.clock.advance(4000);
    assert.deepEqual(t.client.typists('general'), ['u7']);
    await t.clock.advance(1000);
    assert.deepEqual(t.client.typists('general'), []);
    assert.deepEqual(t.events.typing.map(({ user, typing, expired }) => [user, typing, expired === true]), [
        ['u7', true, false],
        ['u8', true, false],
        ['u8', false, false],
        ['u7', true, false],
        ['u7', false, true],
    ]);
});

test('typing: a user who leaves stops typing', async () => {
    const t = await connectedWs({}, { general: { seq: 1, members: ['u7'] } });
    t.socket.receive({ type: 'typing', room: 'general', data: { user: 'u7', typing: true } });
    t.socket.receive(presence('general', 2, 'u7', 'left'));
    assert.deepEqual(t.client.typists('general'), []);
});

test('typing(room, isTyping) sends the typing message on WebSocket', async () => {
    const t = await connectedWs({}, { general: { seq: 1 } });
    assert.equal(t.client.typing('general', true), true);
    t.client.typing('general', false);
    assert.deepEqual(t.socket.ofType('typing'), [
        { type: 'typing', room: 'general', data: { typing: true } },
        { type: 'typing', room: 'general', data: { typing: false } },
    ]);
});

test('typing is not queued while disconnected', async () => {
    const t = setup();
    assert.equal(t.client.typing('general', true), false);
});

test('typing(room, isTyping) POSTs the typing message on SSE and long polling', async () => {
    for (const transport of ['sse', 'longpoll']) {
        const t = setup({ transports: [transport], token: 'tok' });
        t.client.connect();
        await flush();
        assert.equal(t.client.typing('general', true), true);
        await flush();
        const [post] = t.http.open('/rooms/general/messages');
        assert.equal(post.method, 'POST');
        assert.equal(post.headers.Authorization, 'Bearer tok');
        assert.deepEqual(post.body, { type: 'typing', data: { typing: true } });
    }
});
