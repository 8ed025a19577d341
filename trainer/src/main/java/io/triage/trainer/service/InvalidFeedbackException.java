package io.triage.trainer.service;

/** Why a feedback record was not kept; its dead letter's error type. */
public final class InvalidFeedbackException extends Exception {
    public InvalidFeedbackException(String message) {
        super(message);
    }
}
