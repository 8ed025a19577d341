package io.triage.cli.demo;

/**
 * One e-mail of the demo corpus.
 *
 * @param id    unique and stable across runs ({@code <group>/<number>}); the trainer's holdout hashes it
 * @param label {@code ham} or {@code spam}
 * @param text  what the model sees: subject and the beginning of the body (see {@link MailText})
 */
record LabeledMail(String id, String label, String text) {}
