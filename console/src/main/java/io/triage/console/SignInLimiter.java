package io.triage.console;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Caps failed sign-ins per remote address and per reviewer name: after {@code maxFailures} failures within a window
 * of {@code windowMs}, further sign-ins from that address or under that name are refused until the window ends, the
 * right token included. Per address, against guessing the token; per name, against guessing it from many addresses
 * under one name. Bounded memory: at most {@link #MAX_KEYS} keys are tracked; beyond that, ended windows are dropped
 * first and then the oldest windows, so a flood of new addresses cannot grow the map without end.
 */
final class SignInLimiter {
    static final int MAX_KEYS = 10_000;

    private record Window(long start, int failures) {}

    private final int maxFailures;
    private final long windowMs;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new HashMap<>();

    SignInLimiter(int maxFailures, long windowMs, LongSupplier clock) {
        if (maxFailures < 1 || windowMs < 1) {
            throw new IllegalArgumentException("the sign-in limit needs at least 1 failure and 1 ms");
        }
        this.maxFailures = maxFailures;
        this.windowMs = windowMs;
        this.clock = clock;
    }

    /** @return milliseconds until a sign-in from {@code address} as {@code name} is accepted again; 0: now */
    synchronized long refusedForMs(String address, String name) {
        long now = clock.getAsLong();
        return Math.max(refusedForMs(addressKey(address), now), refusedForMs(nameKey(name), now));
    }

    synchronized void failed(String address, String name) {
        long now = clock.getAsLong();
        count(addressKey(address), now);
        count(nameKey(name), now);
    }

    private long refusedForMs(String key, long now) {
        Window w = windows.get(key);
        if (w == null || now - w.start() >= windowMs || w.failures() < maxFailures) {
            return 0;
        }
        return w.start() + windowMs - now;
    }

    private void count(String key, long now) {
        Window w = windows.get(key);
        if (w == null || now - w.start() >= windowMs) {
            makeRoom(now);
            windows.put(key, new Window(now, 1));
        } else {
            windows.put(key, new Window(w.start(), w.failures() + 1));
        }
    }

    private void makeRoom(long now) {
        if (windows.size() < MAX_KEYS) {
            return;
        }
        windows.values().removeIf(w -> now - w.start() >= windowMs);
        Iterator<Map.Entry<String, Window>> oldest = windows.entrySet().stream()
                .sorted(Map.Entry.comparingByValue((a, b) -> Long.compare(a.start(), b.start()))).toList().iterator();
        while (windows.size() >= MAX_KEYS && oldest.hasNext()) {
            windows.remove(oldest.next().getKey());
        }
    }

    private static String addressKey(String address) {
        return "a:" + (address == null ? "" : address);
    }

    /** Names as the sessions compare them: stripped; cut, so that a huge name is not a huge key. */
    private static String nameKey(String name) {
        String n = name == null ? "" : name.strip();
        return "n:" + (n.length() > Sessions.MAX_NAME_CHARS ? n.substring(0, Sessions.MAX_NAME_CHARS + 1) : n);
    }
}
