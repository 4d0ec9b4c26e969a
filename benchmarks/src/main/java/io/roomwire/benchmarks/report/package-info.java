/**
 * {@link io.roomwire.benchmarks.report.BenchmarkReport}: turns a results directory (JMH JSON, in-process latency
 * JSON, end-to-end JSON lines, the machine and the command) into the generated section of {@code docs/benchmarks.md}.
 */
package io.roomwire.benchmarks.report;
