/**
 * The trainer: fine-tunes the {@code model} module's classifier on labeled data and evaluates it.
 * {@code data} reads labeled files, {@code train} runs {@link io.triage.trainer.train.FineTuner}, {@code eval}
 * scores models and writes metrics.json.
 */
package io.triage.trainer;
