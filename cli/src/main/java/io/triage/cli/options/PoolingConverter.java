package io.triage.cli.options;

import io.triage.model.config.Pooling;
import picocli.CommandLine.ITypeConverter;

import java.util.Locale;

/** {@code --pooling first_token} or {@code mean}, in any case. */
public final class PoolingConverter implements ITypeConverter<Pooling> {
    @Override
    public Pooling convert(String value) {
        return Pooling.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
