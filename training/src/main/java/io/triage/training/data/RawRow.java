package io.triage.training.data;

/** A row as read, before its label is resolved; {@code pair} is null for single texts. */
record RawRow(String text, String pair, String label, long line) {}
