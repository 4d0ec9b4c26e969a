import test from 'node:test';
import assert from 'node:assert/strict';

import { OrderingBuffer } from '../../main/resources/web/client.js';
import { connectedWs, flush, joined, presence, text } from './fakes.mjs';

const seqs = (messages) => messages.map((m) => m.seq);

test('buffer: in-order records are released at once', () => {
    const buffer = new OrderingBuffer();
    buffer.reset(7, 10);
    assert.deepEqual(seqs(buffer.offer({ epoch: 7, seq: 11 }).records), [11]);
    assert.deepEqual(seqs(buffer.offer({ epoch: 7, seq: 12 }).records), [12]);
    assert.deepEqual(buffer.position, { epoch: 7, seq: 12 });
});

test('buffer: out-of-order records are held until the gap fills, then released in order', () => {
    const buffer = new OrderingBuffer();
    buffer.reset(7, 0);
    assert.equal(buffer.offer({ epoch: 7, seq: 3 }).status, 'held');
    assert.equal(buffer.offer({ epoch: 7, seq: 2 }).status, 'held');
    assert.ok(buffer.hasGap);
    const { status, records } = buffer.offer({ epoch: 7, seq: 1 });
    assert.equal(status, 'delivered');
    assert.deepEqual(seqs(records), [1, 2, 3]);
    assert.equal(buffer.hasGap, false);
});

test('buffer: duplicates (delivered or already held) are dropped', () => {
    const buffer = new OrderingBuffer();
    buffer.reset(7, 5);
    assert.equal(buffer.offer({ epoch: 7, seq: 5 }).status, 'duplicate');
    assert.equal(buffer.offer({ epoch: 7, seq: 1 }).status, 'duplicate');
    assert.equal(buffer.offer({ epoch: 7, seq: 8 }).status, 'held');
    assert.equal(buffer.offer({ epoch: 7, seq: 8 }).status, 'duplicate');
});

test('buffer: another epoch, no position, and overflow are reported', () => {
    const buffer = new OrderingBuffer({ maxPending: 2 });
    assert.equal(buffer.offer({ epoch: 7, seq: 1 }).status, 'unsynced');
    buffer.reset(7, 0);
    assert.equal(buffer.offer({ epoch: 8, seq: 1 }).status, 'epoch');
    assert.equal(buffer.offer({ epoch: 7, seq: 3 }).status, 'held');
    assert.equal(buffer.offer({ epoch: 7, seq: 4 }).status, 'held');
    assert.equal(buffer.offer({ epoch: 7, seq: 5 }).status, 'overflow');
});

test('buffer: a conflated room accepts any increasing seq', () => {
    const buffer = new OrderingBuffer();
    buffer.reset(7, 0);
    buffer.conflated = true;
    assert.deepEqual(seqs(buffer.offer({ epoch: 7, seq: 4 }).records), [4]);
    assert.deepEqual(seqs(buffer.offer({ epoch: 7, seq: 9 }).records), [9]);
    assert.equal(buffer.offer({ epoch: 7, seq: 6 }).status, 'duplicate');
});

test('client: delivers in seq order, holds out-of-order records and drops duplicates', async () => {
    const { socket, events } = await connectedWs({}, { general: { seq: 10 } });
    socket.receive(text('general', 11));
    socket.receive(text('general', 13));
    socket.receive(text('general', 14));
    assert.deepEqual(seqs(events.message), [11]);
    socket.receive(text('general', 12));
    socket.receive(text('general', 12));
    socket.receive(text('general', 11));
    socket.receive(text('general', 15));
    assert.deepEqual(seqs(events.message), [11, 12, 13, 14, 15]);
    const m = events.message[0];
    assert.equal(m.room, 'general');
    assert.equal(m.epoch, 100);
    assert.equal(m.type, 'text');
    assert.equal(m.author, 'u1');
    assert.deepEqual(m.data, { content: 'm11', author: 'u1' });
    assert.equal(m.timestamp, 1_700_000_000_011);
});

test('client: records of kinds message and system, and presence records, share one sequence', async () => {
    const { socket, events } = await connectedWs({}, { general: { seq: 0 } });
    socket.receive(text('general', 2, { type: 'system' }));
    socket.receive(presence('general', 3, 'u9', 'joined'));
    socket.receive(text('general', 1, { type: 'message' }));
    assert.deepEqual(events.message.map((m) => [m.seq, m.type]), [[1, 'message'], [2, 'system']]);
    assert.deepEqual(events.presence.map((p) => p.seq), [3]);
});

test('client: the live join sets the position, so earlier records are duplicates', async () => {
    const { socket, events, client } = await connectedWs({}, { general: { seq: 41, from: 42 } });
    assert.deepEqual(client.position('general'), { epoch: 100, seq: 41 });
    socket.receive(text('general', 41));
    socket.receive(text('general', 42));
    assert.deepEqual(seqs(events.message), [42]);
});

test('client: a gap not filled within orderingTimeoutMs forces a resume of that room (leave, then resume)', async () => {
    const { socket, events, clock, client } = await connectedWs({ orderingTimeoutMs: 3000 }, { general: { seq: 10 }, other: { seq: 3 } });
    socket.receive(text('general', 11));
    socket.receive(text('general', 13));
    const before = socket.sent.length;
    await clock.advance(2999);
    assert.equal(socket.sent.slice(before).filter((m) => m.type !== 'ping').length, 0);
    await clock.advance(1);
    const sent = socket.sent.slice(before).filter((m) => m.type !== 'ping');
    assert.equal(sent.length, 2);
    assert.equal(sent[0].type, 'leave');
    assert.equal(sent[0].room, 'general');
    assert.deepEqual(sent[1], { type: 'resume', id: sent[1].id, room: 'general', data: { epoch: 100, seq: 11 } });
    // The server answers the leave, then the resume, then replays: nothing skipped, nothing twice.
    socket.receive({ type: 'leave', id: sent[0].id, room: 'general', data: { reason: 'left', seq: 11 } });
    socket.receive(joined('general', { seq: 14, from: 12 }, sent[1].id));
    for (const seq of [12, 13, 14]) {
        socket.receive(text('general', seq));
    }
    assert.deepEqual(seqs(events.message), [11, 12, 13, 14]);
    assert.deepEqual(client.rooms.sort(), ['general', 'other']);
    assert.equal(events.resync.length, 0);
});

test('client: a gap that fills in time does not resume', async () => {
    const { socket, events, clock } = await connectedWs({ orderingTimeoutMs: 3000 }, { general: { seq: 0 } });
    socket.receive(text('general', 2));
    await clock.advance(2000);
    socket.receive(text('general', 1));
    await clock.advance(5000);
    assert.deepEqual(seqs(events.message), [1, 2]);
    assert.equal(socket.ofType('resume').length, 0);
    assert.equal(socket.ofType('leave').length, 0);
});

test('client: a record of another epoch outside a resync forces a resume', async () => {
    const { socket, events } = await connectedWs({}, { general: { seq: 5 } });
    socket.receive(text('general', 1, { epoch: 200 }));
    assert.equal(events.message.length, 0);
    const resume = socket.ofType('resume').pop();
    assert.deepEqual(resume.data, { epoch: 100, seq: 5 });
});

test('client: in a conflated room gaps are expected and increasing seqs are delivered', async () => {
    const { socket, events, clock } = await connectedWs({}, { prices: { seq: 10, conflated: true } });
    socket.receive(text('prices', 14));
    socket.receive(text('prices', 20));
    socket.receive(text('prices', 17));
    await clock.advance(10000);
    assert.deepEqual(seqs(events.message), [14, 20]);
    assert.equal(socket.ofType('resume').length, 0);
    assert.equal(events.join[0].conflated, true);
});

test('client: resync on resume: resync event, position moves to from - 1, records after it are delivered', async () => {
    const t = await connectedWs({}, { general: { seq: 12 } });
    t.socket.serverClose(4040, 'lagging');
    await t.clock.advance(1000);
    const socket = t.ws.last();
    socket.accept();
    const resume = socket.ofType('resume')[0];
    assert.deepEqual(resume.data, { epoch: 100, seq: 12 });
    socket.receive({
        type: 'resume',
        room: 'general',
        data: { status: 'resync', epoch: 100, seq: 900, from: 390, requested: { epoch: 100, seq: 12 } },
    });
    socket.receive(joined('general', { seq: 900, from: 390 }, resume.id));
    socket.receive(text('general', 390));
    socket.receive(text('general', 391));
    assert.equal(t.events.resync.length, 1);
    assert.deepEqual(t.events.resync[0], {
        room: 'general', epoch: 100, seq: 900, from: 390, requested: { epoch: 100, seq: 12 },
    });
    assert.deepEqual(seqs(t.events.message), [390, 391]);
    assert.deepEqual(t.client.position('general'), { epoch: 100, seq: 391 });
});

test('client: resync to a new epoch drops records of the old one', async () => {
    const t = await connectedWs({}, { general: { seq: 12 } });
    t.socket.serverClose(1006);
    await t.clock.advance(1000);
    const socket = t.ws.last();
    socket.accept();
    const resume = socket.ofType('resume')[0];
    socket.receive({ type: 'resume', room: 'general', data: { status: 'resync', epoch: 300, seq: 4, from: 1, requested: { epoch: 100, seq: 12 } } });
    socket.receive(joined('general', { epoch: 300, seq: 4, from: 1 }, resume.id));
    socket.receive(text('general', 13));
    socket.receive(text('general', 1, { epoch: 300 }));
    socket.receive(text('general', 2, { epoch: 300 }));
    assert.deepEqual(t.events.message.map((m) => [m.epoch, m.seq]), [[300, 1], [300, 2]]);
});

test('client: a join that skips ahead without a resync is reported as a resync, never hidden', async () => {
    const t = await connectedWs({}, { general: { seq: 12 } });
    t.socket.serverClose(1006);
    await t.clock.advance(1000);
    const socket = t.ws.last();
    socket.accept();
    const resume = socket.ofType('resume')[0];
    socket.receive(joined('general', { seq: 50, from: 40 }, resume.id));
    assert.equal(t.events.resync.length, 1);
    assert.equal(t.events.resync[0].synthetic, true);
    assert.deepEqual(t.client.position('general'), { epoch: 100, seq: 39 });
});

test('client: an unsolicited leave (lagging) resumes the room from the last delivered record', async () => {
    const { socket, events } = await connectedWs({}, { general: { seq: 0 } });
    socket.receive(text('general', 1));
    socket.receive(text('general', 2));
    socket.receive({ type: 'leave', room: 'general', data: { reason: 'lagging', seq: 3 } });
    assert.equal(events.leave[0].reason, 'lagging');
    const resume = socket.ofType('resume').pop();
    assert.deepEqual(resume.data, { epoch: 100, seq: 2 });
    socket.receive(joined('general', { seq: 5, from: 3 }, resume.id));
    for (const seq of [3, 4, 5]) {
        socket.receive(text('general', seq));
    }
    assert.deepEqual(seqs(events.message), [1, 2, 3, 4, 5]);
});

test('client: resume_ahead forgets the position, reports a resync and joins live', async () => {
    const t = await connectedWs({}, { general: { seq: 12 } });
    t.socket.serverClose(1006);
    await t.clock.advance(1000);
    const socket = t.ws.last();
    socket.accept();
    const resume = socket.ofType('resume')[0];
    socket.receive({ type: 'error', id: resume.id, room: 'general', data: { code: 'resume_ahead', reason: 'ahead' } });
    assert.equal(t.events.resync.length, 1);
    assert.equal(t.events.resync[0].reason, 'resume_ahead');
    const join = socket.ofType('join').pop();
    assert.equal(join.room, 'general');
    assert.equal(join.data, undefined);
});
