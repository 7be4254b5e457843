/**
 * The failure detector: heartbeats and consumer progress in, server transitions and a {@link
 * dev.baton.placement.detector.ClusterView} out. Pure decision code: no Kafka, Vert.x, JDBC or HTTP here, and time
 * is always passed in. Start with {@link dev.baton.placement.detector.FailureDetector}.
 */
package dev.baton.placement.detector;
