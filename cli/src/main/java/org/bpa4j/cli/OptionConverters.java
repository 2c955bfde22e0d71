package org.bpa4j.cli;

import java.util.function.Function;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** Parses the library's enums with the library's own parsers, so the messages are the same everywhere. */
final class OptionConverters {
    private OptionConverters() {
    }

    static void register(CommandLine cl) {
        cl.registerConverter(Device.class, converter(Device::parse));
        cl.registerConverter(Metric.class, converter(Metric::parse));
        cl.registerConverter(DType.class, converter(DType::parse));
    }

    private static <T> CommandLine.ITypeConverter<T> converter(Function<String, T> parse) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }
}
