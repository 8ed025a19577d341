package io.triage.cli;

import io.triage.service.RegistrySettings;
import io.triage.service.SchemaRegistration;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code triage schemas register}: the value schemas of Triage's topics, ahead of apps that may not register them. */
@Command(name = "schemas", mixinStandardHelpOptions = true, subcommands = SchemasCommand.Register.class,
        description = "Avro schemas in the registry (for apps with registry.auto.register=false).")
final class SchemasCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register the value schema of each topic as the apps' serializers look it up; again is a no-op.")
    static final class Register implements Callable<Integer> {
        @Option(names = "--registry", defaultValue = "http://localhost:8081/apis/registry/v2",
                description = "The registry's v2 API (default: ${DEFAULT-VALUE}).")
        String registry;

        @Option(names = "--topic", paramLabel = "TOPIC=Type", description = "A topic and its record type "
                + "(TextEvent, ClassifiedEvent, DeadLetter, LabeledExample, ModelUpdate); repeatable. Default: the "
                + "default topics of both apps.")
        List<String> topics = new ArrayList<>();

        @Option(names = "--labels", split = ",", description = "Labels whose routing topics (<route-prefix><label>) "
                + "carry ClassifiedEvents too.")
        List<String> labels = new ArrayList<>();

        @Option(names = "--route-prefix", defaultValue = "triage.classified.", description = "(default: ${DEFAULT-VALUE})")
        String routePrefix;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Registry client settings, e.g. "
                + "apicurio.auth.username=... or apicurio.registry.request.ssl.truststore.location=...")
        Map<String, String> client = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            Map<String, Class<? extends SpecificRecord>> wanted = topics.isEmpty() ? SchemaRegistration.defaultTopics()
                    : SchemaRegistration.parse(topics);
            labels.forEach(l -> wanted.put(routePrefix + l, SchemaRegistration.TYPES.get("ClassifiedEvent")));
            Map<String, Object> config = RegistrySettings.confluentWireFormat(registry);
            client.forEach(config::putIfAbsent);
            SchemaRegistration.register(config, wanted)
                    .forEach((topic, id) -> System.out.println(topic + "-value  content id " + id));
            return 0;
        }
    }
}
