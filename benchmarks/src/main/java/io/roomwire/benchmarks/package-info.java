/**
 * JMH suites and latency harnesses for Roomwire, each measured beside the baseline it replaces: the seed document's
 * designs ported to Java ({@code Seed*} classes), run in the same JVM and the same run.
 * <p>
 * Build with {@code mvn -B -DskipTests package}, then {@code java -jar benchmarks/target/benchmarks.jar '.*FanOut.*'
 * -prof gc}. Results, with the machine they ran on, are in {@code docs/benchmarks.md}.
 */
package io.roomwire.benchmarks;
