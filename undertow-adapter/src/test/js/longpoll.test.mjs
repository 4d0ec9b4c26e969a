import test from 'node:test';
import assert from 'node:assert/strict';

import { flush, joined, presence, setup, text } from './fakes.mjs';

async function pollClient(options = {}, rooms = ['general']) {
    const t = setup({ transports: ['longpoll'], ...options });
    for (const room of rooms) {
        t.client.join(room);
    }
    t.client.connect();
    await flush();
    return t;
}

const answer = (sid, messages) => ({ sid, messages });

test('longpoll: the first poll has no after; its join sets the position; the next carries after and sid', async () => {
    const t = await pollClient({ token: 'tok' });
    let [poll] = t.http.polls('general');
    assert.equal(poll.url, 'http://example.test/poll/general');
    assert.equal(poll.headers.Authorization, 'Bearer tok');
    poll.respond(200, answer('s1', [joined('general', { epoch: 9, seq: 41, members: ['me'] })]));
    await flush();
    [poll] = t.http.polls('general');
    assert.equal(poll.params.get('after'), '9-41');
    assert.equal(poll.params.get('sid'), 's1');
    assert.equal(t.client.state, 'open');
    poll.respond(200, answer('s1', [text('general', 43, { epoch: 9 }), text('general', 42, { epoch: 9 })]));
    await flush();
    [poll] = t.http.polls('general');
    assert.equal(poll.params.get('after'), '9-43');
    assert.deepEqual(t.events.message.map((m) => m.seq), [42, 43]);
    // An empty answer after the 25 s hold: poll again with the same after.
    poll.respond(200, answer('s2', []));
    await flush();
    [poll] = t.http.polls('general');
    assert.equal(poll.params.get('after'), '9-43');
    assert.equal(poll.params.get('sid'), 's2');
});

test('longpoll: after a failure, polls resume with backoff from after and the kept sid, without loss or duplicates', async () => {
    const t = await pollClient();
    let [poll] = t.http.polls('general');
    poll.respond(200, answer('s1', [joined('general', { epoch: 9, seq: 1 }), text('general', 2, { epoch: 9 })]));
    await flush();
    [poll] = t.http.polls('general');
    poll.fail();
    await flush();
    assert.equal(t.client.state, 'reconnecting');
    assert.equal(t.http.polls('general').length, 0);
    await t.clock.advance(1000);
    [poll] = t.http.polls('general');
    assert.equal(poll.params.get('after'), '9-2');
    assert.equal(poll.params.get('sid'), 's1');
    poll.respond(200, answer('s9', [text('general', 2, { epoch: 9 }), text('general', 3, { epoch: 9 })]));
    await flush();
    assert.deepEqual(t.events.message.map((m) => m.seq), [2, 3]);
});

test('longpoll: a poll held for a while counts as open; a first answer resets the backoff', async () => {
    const t = await pollClient();
    assert.equal(t.client.state, 'connecting');
    await t.clock.advance(1000);
    assert.equal(t.client.state, 'open');
});

test('longpoll: a poll that outlives pollTimeoutMs is abandoned and the transport reconnects', async () => {
    const t = await pollClient({ pollTimeoutMs: 35000 });
    const [poll] = t.http.polls('general');
    await t.clock.advance(35000);
    assert.ok(poll.aborted);
    assert.equal(t.client.state, 'reconnecting');
});

test('longpoll: 410 drops the sid and polls again at once', async () => {
    const t = await pollClient();
    let [poll] = t.http.polls('general');
    poll.respond(200, answer('s1', [joined('general', { epoch: 9, seq: 1 })]));
    await flush();
    [poll] = t.http.polls('general');
    poll.respond(410, { type: 'error', data: { code: 'unknown_session', reason: 'gone' } });
    await flush();
    [poll] = t.http.polls('general');
    assert.equal(poll.params.get('sid'), null);
    assert.equal(poll.params.get('after'), '9-1');
});

test('longpoll: 403 refuses only that room; 401 is an auth error that does not fall back', async () => {
    const t = await pollClient({ transports: ['longpoll', 'websocket'], fallbackAfterFailures: 1 }, ['general', 'secret']);
    const secret = t.client.join('secret');
    t.http.polls('secret')[0].respond(403, { type: 'error', room: 'secret', data: { code: 'not_permitted', reason: 'no' } });
    await assert.rejects(secret, { code: 'not_permitted' });
    assert.deepEqual(t.client.rooms, ['general']);
    assert.equal(t.http.polls('general').length, 1);
    t.http.polls('general')[0].respond(401, { type: 'error', data: { code: 'token_expired', reason: 'expired' } });
    await flush();
    assert.equal(t.events.error.at(-1).code, 'token_expired');
    assert.equal(t.client.state, 'reconnecting');
    assert.equal(t.client.transport, 'longpoll');
});

test('longpoll: 404 (no long-poll endpoint) counts as a failure to open and falls back', async () => {
    const t = await pollClient({ transports: ['longpoll', 'websocket'], fallbackAfterFailures: 1 });
    t.http.polls('general')[0].respond(404, 'Not Found');
    await flush();
    assert.equal(t.client.transport, 'websocket');
});

test('longpoll: leave stops the room\'s poll; presence records update members', async () => {
    const t = await pollClient({}, ['general', 'random']);
    t.http.polls('random')[0].respond(200, answer('r1', [
        joined('random', { epoch: 5, seq: 2, members: ['me'] }),
        presence('random', 3, 'zed', 'joined', { epoch: 5 }),
    ]));
    await flush();
    assert.deepEqual(t.client.members('random').sort(), ['me', 'zed']);
    const [generalPoll] = t.http.polls('general');
    t.client.leave('general');
    assert.ok(generalPoll.aborted);
    await flush();
    assert.equal(t.http.polls('general').length, 0);
    assert.equal(t.http.polls('random').length, 1);
});

test('longpoll: a gap timeout restarts that room\'s poll from the last delivered record', async () => {
    const t = await pollClient({ orderingTimeoutMs: 3000 });
    t.http.polls('general')[0].respond(200, answer('s1', [joined('general', { epoch: 9, seq: 1 }), text('general', 3, { epoch: 9 })]));
    await flush();
    const [held] = t.http.polls('general');
    assert.equal(held.params.get('after'), '9-1');
    await t.clock.advance(3000);
    assert.ok(held.aborted);
    const [again] = t.http.polls('general');
    assert.notEqual(again, held);
    assert.equal(again.params.get('after'), '9-1');
    assert.equal(again.params.get('sid'), 's1');
    again.respond(200, answer('s1', [text('general', 2, { epoch: 9 }), text('general', 3, { epoch: 9 })]));
    await flush();
    assert.deepEqual(t.events.message.map((m) => m.seq), [2, 3]);
});
