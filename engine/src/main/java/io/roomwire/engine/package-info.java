/**
 * The Roomwire engine: one thread owns every session, room, sequence number, history and presence timer of a node.
 * <p>
 * Threads:
 * <ul>
 *     <li>The <b>conductor</b> ({@link io.roomwire.engine.EngineConductor}) is an Agrona {@code Agent}; it runs on its
 *     own thread under an {@code AgentRunner}, or inside an embedder's duty cycle through {@link
 *     io.roomwire.engine.Engine#invoker()}. It alone writes engine state.</li>
 *     <li>A <b>gateway</b> ({@link io.roomwire.engine.Gateway}) belongs to one other thread: an I/O thread of the
 *     Undertow adapter, or an embedder's thread. It encodes commands into the conductor's many-to-one ring buffer and
 *     polls what the conductor produced for its sessions: control messages from its own one-to-one ring, and
 *     sequenced room records straight from each room's log.</li>
 * </ul>
 * Room records are written once into a room's {@link io.roomwire.engine.RoomLog} and read by every gateway that has
 * sessions in the room, so the conductor's work per published message does not grow with the number of receivers.
 * <p>
 * Expected failures are return values (negative codes documented on each method); exceptions are for bugs and
 * misconfiguration. Errors on the conductor thread go to the context's non-throwing, counted error handler.
 */
package io.roomwire.engine;
