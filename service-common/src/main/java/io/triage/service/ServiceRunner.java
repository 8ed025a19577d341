package io.triage.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** How both services' {@code main} runs them: until SIGTERM or Ctrl-C, or until the service fails for good. */
public final class ServiceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    private ServiceRunner() {}

    /**
     * Closes {@code service} when the JVM is asked to stop (0), or returns 1 as soon as {@code live} turns false,
     * so that a supervisor (Kubernetes, systemd, compose) restarts it; the exit then closes it.
     */
    public static int runUntilStopped(AutoCloseable service, BooleanSupplier live) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", service, e);
            }
            stopped.countDown();
        }, "triage-shutdown"));
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (!live.getAsBoolean()) {
                LOG.error("{} has failed for good; exiting", service);
                return 1;
            }
        }
        return 0;
    }
}
