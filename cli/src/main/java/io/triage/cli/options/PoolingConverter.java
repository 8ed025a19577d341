package io.triage.cli.options;

import io.triage.model.config.Pooling;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code --pooling first_token} or {@code mean}, in any case. */
public final class PoolingConverter implements ITypeConverter<Pooling> {
    @Override
    public Pooling convert(String value) {
        try {
            return Pooling.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("expected " + Arrays.stream(Pooling.values())
                    .map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(" or ")) + ", not '"
                    + value + "'");
        }
    }
}
