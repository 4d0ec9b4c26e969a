import test from 'node:test';
import assert from 'node:assert/strict';

import { connectedWs, flush, setup } from './fakes.mjs';

test('heartbeat: a ping on open, then every heartbeatIntervalMs from the server', async () => {
    const t = await connectedWs();
    const start = t.clock.now();
    assert.equal(t.socket.ofType('ping').length, 1);
    assert.equal(t.socket.ofType('ping')[0].data.timestamp, start);
    for (let i = 1; i <= 3; i++) {
        await t.clock.advance(9999);
        assert.equal(t.socket.ofType('ping').length, i);
        const ping = t.socket.ofType('ping').at(-1);
        t.socket.receive({ type: 'pong', data: { timestamp: ping.data.timestamp, serverTimestamp: t.clock.now() } });
        await t.clock.advance(1);
        assert.equal(t.socket.ofType('ping').length, i + 1);
        assert.deepEqual(t.socket.ofType('ping').at(-1), { type: 'ping', data: { timestamp: start + i * 10000 } });
    }
    assert.equal(t.client.state, 'open');
});

test('heartbeat: the heartbeatIntervalMs option overrides the server', async () => {
    const t = await connectedWs({ heartbeatIntervalMs: 2000 });
    await t.clock.advance(2000);
    assert.equal(t.socket.ofType('ping').length, 2);
});

test('heartbeat: no pong for two intervals means a dead connection: it is dropped and reconnected', async () => {
    const t = await connectedWs({}, { general: { seq: 3 } });
    t.socket.receive({ type: 'pong', data: { timestamp: 0, serverTimestamp: 0 } });
    await t.clock.advance(10000);
    assert.equal(t.client.state, 'open');
    await t.clock.advance(10000); // 20 s since the last pong
    assert.equal(t.client.state, 'reconnecting');
    assert.ok(t.socket.closedByClient);
    await t.clock.advance(1000);
    const next = t.ws.last();
    assert.notEqual(next, t.socket);
    next.accept();
    assert.deepEqual(next.ofType('resume')[0].data, { epoch: 100, seq: 3 });
});

test('heartbeat: a server that never answers at all is detected', async () => {
    const t = await connectedWs();
    await t.clock.advance(19999);
    assert.equal(t.client.state, 'open');
    await t.clock.advance(1);
    assert.equal(t.client.state, 'reconnecting');
});

test('heartbeat: pongs keep the connection alive indefinitely', async () => {
    const t = await connectedWs();
    for (let i = 0; i < 10; i++) {
        t.socket.receive({ type: 'pong', data: { timestamp: 0, serverTimestamp: 0 } });
        await t.clock.advance(10000);
    }
    assert.equal(t.client.state, 'open');
    assert.equal(t.ws.sockets.length, 1);
});

test('heartbeat: a socket that never opens is abandoned after connectTimeoutMs', async () => {
    const t = setup({ connectTimeoutMs: 3000 });
    t.client.connect();
    await flush();
    await t.clock.advance(3000);
    assert.ok(t.ws.last().closedByClient);
    assert.equal(t.client.state, 'reconnecting');
});
