import test from 'node:test';
import assert from 'node:assert/strict';

import { flush, joined, presence, setup, text } from './fakes.mjs';

async function sseClient(options = {}, rooms = ['general']) {
    const t = setup({ transports: ['sse'], ...options });
    for (const room of rooms) {
        t.client.join(room);
    }
    t.client.connect();
    await flush();
    return t;
}

test('sse: one EventSource per joined room at /events/{room}, token as a query parameter, open when all are open', async () => {
    const t = await sseClient({ token: 'tok' }, ['general', 'random']);
    assert.deepEqual(t.es.live().map((s) => s.url).sort(), [
        'http://example.test/events/general?token=tok',
        'http://example.test/events/random?token=tok',
    ]);
    assert.equal(t.client.state, 'connecting');
    t.es.forRoom('general').open();
    assert.equal(t.client.state, 'connecting');
    t.es.forRoom('random').open();
    assert.deepEqual(t.events.state.at(-1), { state: 'open', transport: 'sse' });
});

test('sse: named events are routed (join, records, presence, typing), in seq order', async () => {
    const t = await sseClient();
    const source = t.es.forRoom('general');
    source.open();
    source.emit({ type: 'presence', room: 'general', data: { snapshot: true, members: ['x'] } });
    source.emit(joined('general', { seq: 4, members: ['me'] }));
    source.emit(text('general', 6));
    source.emit(presence('general', 5, 'y', 'joined'));
    source.emit({ type: 'typing', room: 'general', data: { user: 'y', typing: true } });
    assert.deepEqual(t.events.message.map((m) => m.seq), [6]);
    assert.deepEqual(t.events.presence.map((p) => p.seq), [5]);
    assert.deepEqual(t.client.members('general').sort(), ['me', 'x', 'y']);
    assert.deepEqual(t.client.typists('general'), ['y']);
});

test('sse: reconnects itself with backoff and lastEventId=epoch-seq of the last delivered record', async () => {
    const t = await sseClient({ token: 'tok' });
    const first = t.es.forRoom('general');
    first.open();
    first.emit(joined('general', { epoch: 77, seq: 10 }));
    first.emit(text('general', 11, { epoch: 77 }));
    first.emit(text('general', 12, { epoch: 77 }));
    first.fail();
    assert.ok(first.closed, 'the browser\'s own reconnect is not used');
    assert.equal(t.client.state, 'reconnecting');
    await t.clock.advance(1000);
    const second = t.es.forRoom('general');
    assert.notEqual(second, first);
    assert.equal(second.params.get('lastEventId'), '77-12');
    assert.equal(second.params.get('token'), 'tok');
    second.open();
    second.emit(text('general', 12, { epoch: 77 }));
    second.emit(text('general', 13, { epoch: 77 }));
    assert.deepEqual(t.events.message.map((m) => m.seq), [11, 12, 13]);
});

test('sse: a first join without a position has no lastEventId; history asks for history=all', async () => {
    const t = await sseClient();
    assert.equal(t.es.forRoom('general').params.get('lastEventId'), null);
    t.client.join('archive', { history: true });
    assert.equal(t.es.forRoom('archive').params.get('history'), 'all');
    t.client.join('kept', { resume: { epoch: 3, seq: 8 } });
    assert.equal(t.es.forRoom('kept').params.get('lastEventId'), '3-8');
});

test('sse: a server `event: error` is an error message, not a broken stream', async () => {
    const t = await sseClient();
    const source = t.es.forRoom('general');
    source.open();
    source.emit(joined('general', { seq: 1 }));
    source.emit({ type: 'error', data: { code: 'internal_error', reason: 'oops' } });
    assert.equal(t.events.error[0].code, 'internal_error');
    assert.equal(t.client.state, 'open');
    assert.equal(source.closed, false);
});

test('sse: a resync event moves the position and is reported', async () => {
    const t = await sseClient({}, []);
    t.client.join('general', { resume: { epoch: 1, seq: 5 } });
    const source = t.es.forRoom('general');
    source.open();
    source.emit({ type: 'resume', room: 'general', data: { status: 'resync', epoch: 2, seq: 30, from: 20, requested: { epoch: 1, seq: 5 } } });
    source.emit(text('general', 20, { epoch: 2 }));
    assert.equal(t.events.resync[0].from, 20);
    assert.deepEqual(t.events.message.map((m) => [m.epoch, m.seq]), [[2, 20]]);
});

test('sse: a gap timeout reopens only that room\'s stream from the last delivered record', async () => {
    const t = await sseClient({ orderingTimeoutMs: 3000 }, ['general', 'random']);
    t.es.live().forEach((s) => s.open());
    const general = t.es.forRoom('general');
    const random = t.es.forRoom('random');
    general.emit(joined('general', { seq: 1 }));
    general.emit(text('general', 2));
    general.emit(text('general', 4));
    await t.clock.advance(3000);
    assert.ok(general.closed);
    assert.equal(random.closed, false);
    assert.equal(t.es.forRoom('general').params.get('lastEventId'), '100-2');
    assert.equal(t.client.state, 'open');
});

test('sse: leave closes the room\'s stream; join while open adds one', async () => {
    const t = await sseClient();
    t.es.forRoom('general').open();
    t.client.join('random');
    assert.ok(t.es.forRoom('random'));
    t.client.leave('general');
    assert.equal(t.es.forRoom('general'), undefined);
    assert.equal(t.es.live().length, 1);
});

test('sse: a join refusal on the stream drops the room and rejects join()', async () => {
    const t = await sseClient({}, []);
    const p = t.client.join('secret');
    const source = t.es.forRoom('secret');
    source.open();
    source.emit({ type: 'error', room: 'secret', data: { code: 'not_permitted', reason: 'no grant' } });
    await assert.rejects(p, { code: 'not_permitted' });
    assert.ok(source.closed);
    assert.deepEqual(t.client.rooms, []);
});

test('sse: a stream refused before it opens is probed with fetch: 403 drops only that room', async () => {
    const t = await sseClient({ token: 'tok' }, ['general']);
    t.es.forRoom('general').open();
    assert.equal(t.client.state, 'open');
    const p = t.client.join('secret');
    const refused = t.es.forRoom('secret');
    refused.fail();
    assert.ok(refused.closed, 'the browser does not keep retrying');
    await flush();
    const [probe] = t.http.open('/events/secret');
    assert.equal(probe.params.get('token'), 'tok');
    probe.respond(403, { type: 'error', room: 'secret', data: { code: 'not_permitted', reason: 'no grant' } });
    await assert.rejects(p, { code: 'not_permitted' });
    assert.deepEqual(t.client.rooms, ['general']);
    assert.equal(t.client.state, 'open');
    assert.equal(t.es.forRoom('general').closed, false);
});

test('sse: a probe that gets 200 (or nothing) means the transport failed', async () => {
    const t = await sseClient({ transports: ['sse', 'websocket'] }, ['general']);
    t.es.forRoom('general').fail();
    await flush();
    t.http.open('/events/general')[0].respond(200, '');
    await flush();
    assert.equal(t.client.state, 'reconnecting');
    await t.clock.advance(1000);
    t.es.forRoom('general').fail();
    await flush();
    t.http.open('/events/general')[0].fail();
    await flush();
    assert.equal(t.client.transport, 'websocket', 'two failures to open: the next transport');
});

test('sse: a probe that gets no headers within connectTimeoutMs fails the transport', async () => {
    const t = await sseClient({ connectTimeoutMs: 4000 }, ['general']);
    t.es.forRoom('general').open();
    t.client.join('slow');
    t.es.forRoom('slow').fail();
    await t.clock.advance(3999);
    assert.equal(t.client.state, 'open');
    await t.clock.advance(1);
    assert.equal(t.client.state, 'reconnecting');
});
