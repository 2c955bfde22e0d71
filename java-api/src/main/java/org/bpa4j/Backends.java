package org.bpa4j;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bpa4j.spi.Availability;
import org.bpa4j.spi.Backend;

/**
 * Finds the backends with {@link ServiceLoader}, probes each once, and resolves a {@link Device} to one.
 * AUTO prefers CUDA, then CPU, then the reference backend; the system property {@code bpa4j.backend}
 * overrides AUTO. The choice and the reason each better backend was passed over are logged once.
 *
 * <p>A backend is probed only when a call needs it: an explicit device probes that one, AUTO probes in its
 * order up to the first that is available, {@link #all()} probes every one. The CUDA backend first looks
 * for the driver's library file, so a machine without one never loads JavaCPP just to learn that.
 */
public final class Backends {
    /** System property that overrides {@link Device#AUTO}: auto, reference, cpu or cuda. */
    public static final String PROPERTY = "bpa4j.backend";

    private static final System.Logger LOG = System.getLogger("org.bpa4j");
    private static final List<Device> AUTO_ORDER = List.of(Device.CUDA, Device.CPU, Device.REFERENCE);

    /**
     * A backend as found here, with its availability measured once.
     *
     * @param device the device this entry is for (never AUTO)
     * @param backend the backend found by {@link ServiceLoader}, or null when its module is not on the path
     * @param availability whether it can run here, and if not why; never null
     */
    public record Entry(Device device, Backend backend, Availability availability) {
        /**
         * Whether calls on this device can run: the backend was found and its probe said yes.
         *
         * @return true when the backend is present and available
         */
        public boolean available() {
            return backend != null && availability.available();
        }
    }

    private static final class Registry {
        static final Map<Device, Backend> FOUND = discover();
        static final Map<Device, Entry> PROBED = new ConcurrentHashMap<>();
    }

    private static final AtomicBoolean AUTO_LOGGED = new AtomicBoolean();

    private Backends() {
    }

    private static Map<Device, Backend> discover() {
        Map<Device, Backend> found = new EnumMap<>(Device.class);
        ServiceLoader<Backend> loader = ServiceLoader.load(Backend.class, Backends.class.getClassLoader());
        for (ServiceLoader.Provider<Backend> provider : loader.stream().toList()) {
            Backend backend;
            try {
                backend = provider.get();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "bpa4j: backend " + provider.type().getName() + " failed to load: " + t);
                continue;
            }
            found.putIfAbsent(backend.device(), backend);
        }
        return found;
    }

    /** The device's entry, its backend probed on the first request. */
    private static Entry entry(Device d) {
        return Registry.PROBED.computeIfAbsent(d, Backends::probe);
    }

    private static Entry probe(Device d) {
        Backend backend = Registry.FOUND.get(d);
        if (backend == null) {
            return new Entry(d, null, Availability.no(missingModule(d)));
        }
        Availability availability;
        try {
            availability = backend.availability();
        } catch (Throwable t) {
            availability = Availability.no("probe failed: " + t);
        }
        return new Entry(d, backend, availability);
    }

    /**
     * AUTO's choice at INFO under {@code org.bpa4j}, and each better backend it passed over under that backend's
     * logger ({@code org.bpa4j.cuda}, {@code org.bpa4j.cpu}): at WARNING when the CPU backend is on the class or
     * module path but unusable (no {@code jdk.incubator.vector}, or no C2 compiler), since the fall-back is the
     * reference backend, about 20 times slower; at INFO otherwise (no GPU is the common case).
     */
    private static void logAutoChoice(Entry chosen) {
        for (Device d : AUTO_ORDER) {
            Entry e = entry(d);
            if (e == chosen) {
                break;
            }
            System.Logger logger = System.getLogger("org.bpa4j." + e.device().label());
            if (e.device() == Device.CPU && e.backend() != null) {
                logger.log(Level.WARNING, "bpa4j: the cpu backend is unavailable (" + e.availability().reason()
                        + "); AUTO uses the " + chosen.device().label() + " backend, far slower");
            } else {
                logger.log(Level.INFO, "bpa4j: AUTO passed over " + e.device().label() + ": "
                        + e.availability().reason());
            }
        }
        LOG.log(Level.INFO, "bpa4j: AUTO uses the " + chosen.device().label() + " backend");
    }

    private static String missingModule(Device d) {
        return switch (d) {
            case CPU -> "module bpa4j-vector-cpu is not on the class path";
            case CUDA -> "module bpa4j-native-cuda is not on the class path";
            default -> "not found on the class path";
        };
    }

    /**
     * Every known device's entry, in AUTO's order of preference (CUDA, CPU, reference). Probes every backend not
     * probed yet; a probe that throws makes its entry unavailable, with the exception as the reason.
     *
     * @return a new list of the three entries, available or not
     */
    public static List<Entry> all() {
        List<Entry> list = new ArrayList<>();
        for (Device d : AUTO_ORDER) {
            list.add(entry(d));
        }
        return list;
    }

    /**
     * The device AUTO means here, after the system property {@value #PROPERTY}.
     *
     * @return {@link Device#AUTO} when the property is unset or blank, else the device it names
     * @throws InvalidInputException when the property names no device
     */
    public static Device configuredDefault() {
        String prop = System.getProperty(PROPERTY);
        if (prop == null || prop.isBlank()) {
            return Device.AUTO;
        }
        return Device.parse(prop);
    }

    /**
     * The backend for a device. An explicit device that is unavailable is an error naming the reason;
     * AUTO (after the system property) takes the first available backend in order CUDA, CPU, reference, and
     * logs its choice once per JVM. Thread-safe: each backend is probed once, whichever thread asks first.
     *
     * @param device the device asked for, AUTO included
     * @return the backend to compute on, never null
     * @throws InvalidInputException when device is null, names an unavailable backend (the message gives the
     *         reason), or the system property names no device
     * @throws IllegalStateException when AUTO finds no available backend at all
     */
    public static Backend resolve(Device device) {
        if (device == null) {
            throw new InvalidInputException("device must not be null");
        }
        Device wanted = device == Device.AUTO ? configuredDefault() : device;
        if (wanted != Device.AUTO) {
            Entry e = entry(wanted);
            if (!e.available()) {
                throw new InvalidInputException("backend " + wanted.label() + " is unavailable: "
                        + e.availability().reason());
            }
            return e.backend();
        }
        Entry chosen = null;
        List<String> passed = new ArrayList<>();
        for (Device d : AUTO_ORDER) {
            Entry e = entry(d);
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
            logAutoChoice(chosen);
        }
        return chosen.backend();
    }

    /**
     * The backend a device names; for AUTO (after the system property), every available backend in AUTO's
     * order, so that a caller can pass over one that lacks an operation (throws UnsupportedOperationException).
     */
    static List<Backend> candidates(Device device) {
        Backend first = resolve(device);
        if (device != Device.AUTO || configuredDefault() != Device.AUTO) {
            return List.of(first);
        }
        List<Backend> list = new ArrayList<>();
        list.add(first);
        for (Entry e : all()) {
            if (e.available() && e.backend() != first) {
                list.add(e.backend());
            }
        }
        return list;
    }
}
