/**
 * End-to-end load over real sockets: {@link io.roomwire.benchmarks.load.LoadGenerator}, a non-blocking client load
 * generator (WebSocket, Socket.IO over WebSocket, or Server-Sent Events subscribers) with open-loop publishing,
 * HdrHistogram latency and an idle mode that measures the server's memory per connection, and
 * {@link io.roomwire.benchmarks.load.NaiveUndertowServer}, the naive Java design of the seed it is compared with.
 * {@code benchmarks/run.sh} runs it against Roomwire's server, the naive one and the peers in {@code benchmarks/peers},
 * each server pinned to its own core.
 */
package io.roomwire.benchmarks.load;
