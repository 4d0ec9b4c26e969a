import test from 'node:test';
import assert from 'node:assert/strict';

import { connectedWs, flush, setup } from './fakes.mjs';

test('publish over WebSocket: unique ids, the ack resolves with its epoch and seq', async () => {
    const t = await connectedWs();
    const first = t.client.publish('general', { content: 'hi' });
    const second = t.client.publish('general', { content: 'there' }, { type: 'message', key: 'k1' });
    const [a, b] = t.socket.sent.filter((m) => m.type === 'text' || m.type === 'message');
    assert.deepEqual(a, { type: 'text', id: a.id, room: 'general', data: { content: 'hi' } });
    assert.deepEqual(b, { type: 'message', id: b.id, room: 'general', data: { content: 'there' }, key: 'k1' });
    assert.notEqual(a.id, b.id);
    assert.ok(a.id.length <= 64 && /^[\x21-\x7e]+$/.test(a.id) && !/["\\]/.test(a.id));
    // Acks may come in any order; each is matched by id.
    t.socket.receive({ type: 'ack', id: b.id, room: 'general', data: { status: 'delivered', epoch: 100, seq: 8 } });
    t.socket.receive({ type: 'ack', id: a.id, room: 'general', data: { status: 'delivered', epoch: 100, seq: 7 } });
    assert.deepEqual(await first, { room: 'general', id: a.id, epoch: 100, seq: 7 });
    assert.deepEqual(await second, { room: 'general', id: b.id, epoch: 100, seq: 8 });
});

test('publish over WebSocket: an error with the id rejects with the server code and reason, not an error event', async () => {
    const t = await connectedWs();
    const p = t.client.publish('general', { content: 'spam' });
    const id = t.socket.last().id;
    t.socket.receive({ type: 'error', id, room: 'general', data: { code: 'rate_limited', reason: 'publish rate over the limit' } });
    await assert.rejects(p, (err) => {
        assert.equal(err.name, 'RoomwireError');
        assert.equal(err.code, 'rate_limited');
        assert.equal(err.reason, 'publish rate over the limit');
        assert.equal(err.room, 'general');
        return true;
    });
    assert.equal(t.events.error.length, 0);
});

test('ids are unique across many publishes', async () => {
    const t = await connectedWs();
    for (let i = 0; i < 500; i++) {
        t.client.publish('general', { i });
    }
    const ids = new Set(t.socket.ofType('text').map((m) => m.id));
    assert.equal(ids.size, 500);
});

test('publishes issued while disconnected are queued and sent, in order, after the resumes, once connected', async () => {
    const t = setup();
    t.client.join('general', { resume: { epoch: 1, seq: 4 } });
    const p1 = t.client.publish('general', { n: 1 });
    const p2 = t.client.publish('general', { n: 2 });
    t.client.connect();
    await flush();
    const socket = t.ws.last();
    socket.open();
    assert.equal(socket.sent.length, 0);
    socket.connected();
    const kinds = socket.sent.filter((m) => m.type !== 'ping').map((m) => m.type + (m.data?.n ?? ''));
    assert.deepEqual(kinds, ['resume', 'text1', 'text2']);
    for (const [i, m] of socket.ofType('text').entries()) {
        socket.receive({ type: 'ack', id: m.id, room: 'general', data: { status: 'delivered', epoch: 1, seq: 5 + i } });
    }
    assert.equal((await p1).seq, 5);
    assert.equal((await p2).seq, 6);
});

test('the publish queue is bounded', async () => {
    const t = setup({ maxQueuedPublishes: 2 });
    t.client.publish('general', {});
    t.client.publish('general', {});
    await assert.rejects(t.client.publish('general', {}), { code: 'queue_full' });
});

test('queued and unanswered publishes reject when the client is closed', async () => {
    const t = await connectedWs();
    const inflight = t.client.publish('general', { a: 1 });
    t.socket.serverClose(1006);
    const queued = t.client.publish('general', { a: 2 });
    await assert.rejects(inflight, { code: 'connection_lost' });
    t.client.close();
    await assert.rejects(queued, { code: 'closed' });
    await assert.rejects(t.client.publish('general', {}), { code: 'closed' });
});

test('an unanswered publish rejects with connection_lost when the socket drops (its fate is unknown)', async () => {
    const t = await connectedWs();
    const p = t.client.publish('general', { content: 'x' });
    t.socket.serverClose(1006);
    await assert.rejects(p, { code: 'connection_lost' });
});

test('publish over HTTP (SSE and long polling): POST /rooms/{room}/messages with a Bearer token, ack from the answer', async () => {
    const t = setup({ transports: ['sse'], token: 'tok' });
    t.client.connect();
    await flush();
    assert.equal(t.client.state, 'open'); // no rooms: nothing to open
    const p = t.client.publish('general', { content: 'hi' }, { key: 'k' });
    await flush();
    const [post] = t.http.open('/rooms/general/messages');
    assert.equal(post.method, 'POST');
    assert.equal(post.headers.Authorization, 'Bearer tok');
    assert.equal(post.headers['Content-Type'], 'application/json');
    assert.deepEqual(post.body, { type: 'text', id: post.body.id, data: { content: 'hi' }, key: 'k' });
    post.respond(200, { type: 'ack', id: post.body.id, room: 'general', data: { status: 'delivered', epoch: 9, seq: 43 } });
    assert.deepEqual(await p, { room: 'general', id: post.body.id, epoch: 9, seq: 43 });
});

test('publish over HTTP: an error answer rejects with its code, reason and the HTTP status', async () => {
    const t = setup({ transports: ['longpoll'] });
    t.client.connect();
    await flush();
    const p = t.client.publish('general', { content: 'hi' });
    await flush();
    const [post] = t.http.open('/rooms/general/messages');
    assert.equal(post.headers.Authorization, undefined);
    post.respond(403, { type: 'error', id: post.body.id, room: 'general', data: { code: 'not_permitted', reason: 'no publish grant' } });
    await assert.rejects(p, { code: 'not_permitted', reason: 'no publish grant', status: 403 });
    const q = t.client.publish('general', {});
    await flush();
    t.http.open('/rooms/general/messages')[0].respond(502, 'Bad Gateway');
    await assert.rejects(q, { code: 'http_502' });
    const r = t.client.publish('general', {});
    await flush();
    t.http.open('/rooms/general/messages')[0].fail();
    await assert.rejects(r, { code: 'connection_lost' });
});

test('publish over HTTP: one request at a time, so publishes keep their order', async () => {
    const t = setup({ transports: ['sse'] });
    t.client.connect();
    await flush();
    const p1 = t.client.publish('general', { n: 1 });
    const p2 = t.client.publish('general', { n: 2 });
    await flush();
    let posts = t.http.open('/rooms/general/messages');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].body.data.n, 1);
    posts[0].respond(200, { type: 'ack', id: posts[0].body.id, data: { status: 'delivered', epoch: 1, seq: 1 } });
    await flush();
    posts = t.http.open('/rooms/general/messages');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].body.data.n, 2);
    posts[0].respond(200, { type: 'ack', id: posts[0].body.id, data: { status: 'delivered', epoch: 1, seq: 2 } });
    assert.equal((await p1).seq, 1);
    assert.equal((await p2).seq, 2);
});

test('publish over HTTP waits for the transport to open', async () => {
    const t = setup({ transports: ['sse'] });
    t.client.join('general');
    t.client.connect();
    await flush();
    const p = t.client.publish('general', { n: 1 });
    await flush();
    assert.equal(t.http.open('/rooms/general/messages').length, 0);
    t.es.forRoom('general').open();
    await flush();
    const [post] = t.http.open('/rooms/general/messages');
    post.respond(200, { type: 'ack', id: post.body.id, data: { status: 'delivered', epoch: 1, seq: 1 } });
    assert.equal((await p).seq, 1);
});

test('publish over HTTP: publishes still waiting behind another POST reject when the client is closed', async () => {
    const t = setup({ transports: ['sse'] });
    t.client.connect();
    await flush();
    const p1 = t.client.publish('general', { n: 1 });
    const p2 = t.client.publish('general', { n: 2 });
    await flush();
    t.client.close();
    const [post] = t.http.open('/rooms/general/messages');
    post.respond(200, { type: 'ack', id: post.body.id, data: { status: 'delivered', epoch: 1, seq: 1 } });
    assert.equal((await p1).seq, 1);
    await assert.rejects(p2, { code: 'closed' });
    assert.equal(t.http.requests.filter((r) => r.path === '/rooms/general/messages').length, 1);
});

test('publish over HTTP: a 401 fetches a fresh token from the tokenProvider and tries once more', async () => {
    let n = 0;
    const t = setup({ transports: ['longpoll'], tokenProvider: async () => `tok${++n}` });
    t.client.connect();
    await flush();
    const p = t.client.publish('general', { n: 1 });
    await flush();
    let [post] = t.http.open('/rooms/general/messages');
    assert.equal(post.headers.Authorization, 'Bearer tok1');
    post.respond(401, { type: 'error', data: { code: 'token_expired', reason: 'expired' } });
    await flush();
    [post] = t.http.open('/rooms/general/messages');
    assert.equal(post.headers.Authorization, 'Bearer tok2');
    post.respond(200, { type: 'ack', id: post.body.id, data: { status: 'delivered', epoch: 1, seq: 9 } });
    assert.equal((await p).seq, 9);
});
