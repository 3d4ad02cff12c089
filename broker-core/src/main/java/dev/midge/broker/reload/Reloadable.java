package dev.midge.broker.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A value parsed from files that is re-read when they change: the one mechanism behind the
 * live ACL, CRL, certificates and password file. Parsing happens on the caller's thread (the
 * {@link FileWatcher}'s, never an event loop); the new value replaces the old one atomically
 * only if it parsed. A failed reload keeps the last good value in force and says so in one
 * log line, because a typo in a file must never open or close the broker by accident.
 */
public final class Reloadable<T> implements Supplier<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Reloadable.class);

    /** Reads and validates the files; throws with a message a person can act on. */
    @FunctionalInterface
    public interface Loader<T> {
        T load() throws Exception;
    }

    private final String what;
    private final List<Path> files;
    private final Loader<T> loader;
    private final AtomicReference<T> current;
    private final List<Consumer<T>> listeners = new CopyOnWriteArrayList<>();

    private Reloadable(String what, List<Path> files, Loader<T> loader, T initial) {
        this.what = what;
        this.files = List.copyOf(files);
        this.loader = loader;
        this.current = new AtomicReference<>(initial);
    }

    /**
     * Loads the first value. Failure here is fatal to the caller (start-up must stop with the
     * cause), so the loader's exception propagates.
     *
     * @param what  what the files hold, in words ("ACL", "CRL", "certificate of listener 8883")
     * @param files the files whose change triggers a reload
     */
    public static <T> Reloadable<T> load(String what, List<Path> files, Loader<T> loader) throws Exception {
        T initial = Objects.requireNonNull(loader.load(), "loader returned null");
        return new Reloadable<>(what, files, loader, initial);
    }

    @Override
    public T get() {
        return current.get();
    }

    public String what() {
        return what;
    }

    public List<Path> files() {
        return files;
    }

    /** Called with each new value after a successful reload, on the reloading thread. */
    public void onChange(Consumer<T> listener) {
        listeners.add(listener);
    }

    /**
     * Re-reads the files. Returns true if the new value is now in force; false if it failed
     * and the previous value stays.
     */
    public boolean reload() {
        T next;
        try {
            next = Objects.requireNonNull(loader.load(), "loader returned null");
        } catch (Exception e) {
            LOG.error("Not reloading {}: {}; the previous {} stays in force.", what, describe(e), what);
            return false;
        }
        current.set(next);
        LOG.info("Reloaded {} from {}.", what, files.size() == 1 ? files.get(0) : files);
        for (Consumer<T> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.error("A listener of the {} reload failed", what, e);
            }
        }
        return true;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
