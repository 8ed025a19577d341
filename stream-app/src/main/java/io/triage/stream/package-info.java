/**
 * The Kafka Streams application: text events in, micro-batched classification with the {@code model} module,
 * labeled events and dead letters out. Not built yet (see the stream-app issue); the module exists so the
 * build layout is final.
 */
package io.triage.stream;
