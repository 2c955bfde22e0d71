package org.bpa4j;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bpa4j.spi.Availability;
import org.bpa4j.spi.Backend;

/**
 * Finds the backends with {@link ServiceLoader}, probes each once, and resolves a {@link Device} to one.
 * AUTO prefers CUDA, then CPU, then the reference backend; the system property {@code bpa4j.backend}
 * overrides AUTO. The choice and the reason each better backend was passed over are logged once.
 */
public final class Backends {
    /** System property that overrides {@link Device#AUTO}: auto, reference, cpu or cuda. */
    public static final String PROPERTY = "bpa4j.backend";

    private static final System.Logger LOG = System.getLogger("org.bpa4j");
    private static final List<Device> AUTO_ORDER = List.of(Device.CUDA, Device.CPU, Device.REFERENCE);

    /** A backend as found here, with its availability measured once. */
    public record Entry(Device device, Backend backend, Availability availability) {
        public boolean available() {
            return backend != null && availability.available();
        }
    }

    private static final class Registry {
        static final Map<Device, Entry> ENTRIES = discover();
    }

    private static final AtomicBoolean AUTO_LOGGED = new AtomicBoolean();

    private Backends() {
    }

    private static Map<Device, Entry> discover() {
        Map<Device, Entry> found = new EnumMap<>(Device.class);
        ServiceLoader<Backend> loader = ServiceLoader.load(Backend.class, Backends.class.getClassLoader());
        for (ServiceLoader.Provider<Backend> provider : loader.stream().toList()) {
            Backend backend;
            try {
                backend = provider.get();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "bpa4j: backend " + provider.type().getName() + " failed to load: " + t);
                continue;
            }
            Availability availability;
            try {
                availability = backend.availability();
            } catch (Throwable t) {
                availability = Availability.no("probe failed: " + t);
            }
            found.putIfAbsent(backend.device(), new Entry(backend.device(), backend, availability));
        }
        for (Device d : AUTO_ORDER) {
            found.putIfAbsent(d, new Entry(d, null, Availability.no(missingModule(d))));
        }
        return found;
    }

    private static String missingModule(Device d) {
        return switch (d) {
            case CPU -> "module bpa4j-vector-cpu is not on the class path";
            case CUDA -> "module bpa4j-native-cuda is not on the class path";
            default -> "not found on the class path";
        };
    }

    /** Every known device's entry, in AUTO's order of preference. */
    public static List<Entry> all() {
        List<Entry> list = new ArrayList<>();
        for (Device d : AUTO_ORDER) {
            list.add(Registry.ENTRIES.get(d));
        }
        return list;
    }

    /** The device AUTO means here, after the system property. */
    public static Device configuredDefault() {
        String prop = System.getProperty(PROPERTY);
        if (prop == null || prop.isBlank()) {
            return Device.AUTO;
        }
        return Device.parse(prop);
    }

    /**
     * The backend for a device. An explicit device that is unavailable is an error naming the reason;
     * AUTO (after the system property) takes the first available backend in order CUDA, CPU, reference.
     */
    public static Backend resolve(Device device) {
        if (device == null) {
            throw new InvalidInputException("device must not be null");
        }
        Device wanted = device == Device.AUTO ? configuredDefault() : device;
        if (wanted != Device.AUTO) {
            Entry e = Registry.ENTRIES.get(wanted);
            if (!e.available()) {
                throw new InvalidInputException("backend " + wanted.label() + " is unavailable: "
                        + e.availability().reason());
            }
            return e.backend();
        }
        Entry chosen = null;
        List<String> passed = new ArrayList<>();
        for (Entry e : all()) {
            if (e.available()) {
                chosen = e;
                break;
            }
            passed.add(e.device().label() + " (" + e.availability().reason() + ")");
        }
        if (chosen == null) {
            throw new IllegalStateException("no bpa4j backend is available: " + String.join("; ", passed));
        }
        if (AUTO_LOGGED.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "bpa4j: using the " + chosen.device().label() + " backend"
                    + (passed.isEmpty() ? "" : "; passed over " + String.join("; ", passed)));
        }
        return chosen.backend();
    }
}
