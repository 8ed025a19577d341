/**
 * The trainer: fine-tunes the {@code model} module's classifier from files and from the labeled-feedback
 * topic, evaluates it and publishes model versions. Not built yet (see the trainer issue); the module exists
 * so the build layout is final.
 */
package io.triage.trainer;
