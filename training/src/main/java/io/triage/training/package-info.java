/**
 * The training library, without Kafka: fine-tunes the {@code model} module's classifier on labeled data and
 * evaluates it. {@code data} reads labeled files, {@code train} runs {@link io.triage.training.train.FineTuner},
 * {@code eval} scores models and writes metrics.json, {@code report} renders the HTML training report. The
 * {@code trainer} module's service and the {@code triage} command build on it.
 */
package io.triage.training;
