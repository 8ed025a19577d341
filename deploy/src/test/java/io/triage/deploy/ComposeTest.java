package io.triage.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.triage.console.ConsoleSettings;
import io.triage.service.OpsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/** docker-compose.yml (and its GPU override) against the apps, the images and Kafka's single-node needs. */
class ComposeTest {
    static final String COMPOSE = "docker-compose.yml", GPU = "docker-compose.gpu.yml";
    private final Compose compose = Compose.read(COMPOSE);

    @Test
    void kafkaIsAnOfficialKraftSingleNodeThatTransactionsWorkOn() {
        String image = compose.image("kafka");
        assertTrue(image.matches("apache/kafka:\\d+\\.\\d+\\.\\d+"), image);
        int[] version = Arrays.stream(image.substring(image.indexOf(':') + 1).split("\\.")).mapToInt(Integer::parseInt)
                .toArray();
        assertTrue(version[0] > 4 || (version[0] == 4 && version[1] >= 1), "apache/kafka 4.1.0 or newer: " + image);

        Map<String, String> env = compose.environment("kafka");
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
        // one broker: the internal topics' replication and the transaction log's min ISR must fit on it
        for (String single : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
                "KAFKA_DEFAULT_REPLICATION_FACTOR", "KAFKA_MIN_INSYNC_REPLICAS")) {
            assertEquals("1", env.get(single), single);
        }
        String voters = env.get("KAFKA_CONTROLLER_QUORUM_VOTERS");
        assertEquals(env.get("KAFKA_NODE_ID") + "@kafka:9093", voters, "the node is its own controller quorum");
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void appsReachKafkaOnAListenerItAdvertisesToContainers(Apps app) {
        String bootstrap = app.effective(compose.environment(app.module), Apps.BOOTSTRAP_SERVERS);
        Set<String> advertised = new TreeSet<>();
        for (String listener : compose.environment("kafka").get("KAFKA_ADVERTISED_LISTENERS").split(",")) {
            advertised.add(listener.substring(listener.indexOf("://") + 3));
        }
        assertTrue(advertised.contains(bootstrap), bootstrap + " is not one of " + advertised);
        assertFalse(bootstrap.startsWith("localhost"), "inside a container localhost is the container itself");
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void appsReachTheRegistrysV2ApiOnItsPort(Apps app) {
        assertTrue(compose.image("registry").matches("apicurio/apicurio-registry:3\\.\\d+\\.\\d+"),
                "Apicurio Registry 3 (one image for all storages): " + compose.image("registry"));
        URI url = URI.create(app.effective(compose.environment(app.module), Apps.REGISTRY_URL));
        assertEquals("registry", url.getHost());
        assertEquals(compose.environment("registry").get("QUARKUS_HTTP_PORT"), String.valueOf(url.getPort()));
        assertEquals("/apis/registry/v2", url.getPath());
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void appsRegisterNoSchemaAndStartOnlyOnceTheSchemasAreRegisteredInADurableRegistry(Apps app) {
        assertEquals("false", app.effective(compose.environment(app.module), "registry.auto.register"));
        assertEquals("service_completed_successfully",
                compose.service(app.module).path("depends_on").path("schemas").path("condition").asText());
        assertTrue(compose.service("schemas").path("entrypoint").toString().contains("io.triage.service.SchemaRegistration"));
        assertEquals("kafkasql", compose.environment("registry").get("APICURIO_STORAGE_KIND"),
                "schemas survive a registry restart");
        assertEquals(compose.environment(app.module).get("TRIAGE_REGISTRY_URL"),
                compose.environment("schemas").get("TRIAGE_REGISTRY_URL"), "the schemas go where the apps look");
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void appsAreBuiltFromTheirDockerfileAndSetOnlyTheirSettings(Apps app) {
        JsonNode build = compose.service(app.module).path("build");
        assertEquals(".", build.path("context").asText(), "the Dockerfiles build from the repository root");
        assertEquals(app.dockerfile(), build.path("dockerfile").asText());
        assertTrue(compose.image(app.module).startsWith("triage/" + app.module + ":"), compose.image(app.module));
        EnvVars.assertAllSettable(app.settings, compose.environment(app.module), COMPOSE + " " + app.module);
        EnvVars.assertAllSettable(app.settings, Compose.read(COMPOSE, GPU).environment(app.module),
                GPU + " " + app.module);
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void publishesTheAppsHttpPortWhichTheImageExposes(Apps app) {
        int port = app.httpPort(compose.environment(app.module));
        assertEquals(port, compose.publishedContainerPort(app.module, port));
        assertEquals(String.valueOf(port), Dockerfile.read(app.dockerfile()).runtime().only("EXPOSE"));
    }

    @ParameterizedTest
    @EnumSource(value = Apps.class, names = {"TRAINER", "CONSOLE"})
    void theAppsAgreeOnTheModelAndItsUpdatesTopic(Apps app) {
        for (String key : List.of(Apps.TOPIC_MODEL_UPDATES, Apps.MODEL_NAME, Apps.BOOTSTRAP_SERVERS,
                Apps.REGISTRY_URL)) {
            assertEquals(app.effective(compose.environment(app.module), key),
                    Apps.STREAM_APP.effective(compose.environment("stream-app"), key), key);
        }
    }

    @Test
    void theConsoleReachesTheTrainerAndTheStreamAppAndSignsInWithATokenFromTheShell() {
        Map<String, String> console = compose.environment(Apps.CONSOLE.module);
        URI trainer = URI.create(Apps.CONSOLE.effective(console, ConsoleSettings.TRAINER_URL));
        assertEquals(Apps.TRAINER.module, trainer.getHost());
        assertEquals(Apps.TRAINER.httpPort(compose.environment(Apps.TRAINER.module)), trainer.getPort());
        URI streamApp = URI.create(Apps.CONSOLE.effective(console, ConsoleSettings.STREAM_APPS));
        assertEquals(Apps.STREAM_APP.module, streamApp.getHost());
        assertEquals(Apps.STREAM_APP.httpPort(compose.environment(Apps.STREAM_APP.module)), streamApp.getPort());
        assertEquals(compose.environment(Apps.TRAINER.module).get("TRIAGE_RETRAIN_TOKEN"),
                console.get(Apps.CONSOLE.settings.envVar(ConsoleSettings.TRAINER_TOKEN)), "the trainer's own token");
        assertTrue(console.get(Apps.CONSOLE.settings.envVar(ConsoleSettings.TOKEN)).startsWith("${TRIAGE_CONSOLE_TOKEN:?"),
                "from the shell or .env, and compose refuses to start without it");
    }

    @Test
    void theStreamAppReadsTheTrainersModelStoreAtTheSamePath() {
        String store = Apps.TRAINER.effective(compose.environment("trainer"), "model.store");
        assertEquals(DockerfilesTest.MODEL_STORE, store);
        assertTrue(volumes("trainer").contains("models:" + store), volumes("trainer").toString());
        assertTrue(volumes("stream-app").contains("models:" + store + ":ro"),
                "the same path, so a version's file: URI resolves in both: " + volumes("stream-app"));
    }

    @Test
    void prometheusScrapesBothAppsMetrics() {
        assertTrue(volumes("prometheus").contains("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro"),
                volumes("prometheus").toString());
        JsonNode config = Compose.parse("deploy/prometheus.yml");
        List<String> expected = new ArrayList<>(), scraped = new ArrayList<>();
        for (Apps app : Apps.values()) {
            int port = app.httpPort(compose.environment(app.module));
            expected.add(OpsServer.METRICS_PATH + " " + app.module + ":" + port);
        }
        for (JsonNode job : config.path("scrape_configs")) {
            for (JsonNode sc : job.path("static_configs")) {
                sc.path("targets").forEach(t -> scraped.add(job.path("metrics_path").asText() + " " + t.asText()));
            }
        }
        assertEquals(expected, scraped);
    }

    @Test
    void theGpuOverrideRunsTheCudaImageOnOneNvidiaGpu() {
        Compose gpu = Compose.read(COMPOSE, GPU);
        JsonNode devices = gpu.service("stream-app").path("deploy").path("resources").path("reservations")
                .path("devices");
        assertEquals(1, devices.size(), devices.toString());
        JsonNode device = devices.get(0);
        assertEquals("nvidia", device.path("driver").asText());
        assertEquals(1, device.path("count").asInt());
        assertEquals("[\"gpu\"]", device.path("capabilities").toString());
        assertEquals("gpu:0", gpu.environment("stream-app").get("TRIAGE_MODEL_DEVICE"));

        String flavor = gpu.service("stream-app").path("build").path("args").path("PYTORCH_FLAVOR").asText();
        assertTrue(flavor.startsWith("cu"), "a CUDA build of the natives: " + flavor);
        assertNotNull(getClass().getClassLoader().getResource("jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"),
                "DJL's pytorch-jni jar has no JNI library for " + flavor);
        assertEquals(Apps.STREAM_APP.dockerfile(), gpu.service("stream-app").path("build").path("dockerfile").asText(),
                "the override keeps the base build and adds the argument");
        assertNotEquals(compose.image("stream-app"), gpu.image("stream-app"), "the CUDA image gets its own tag");
        assertFalse(compose.service("stream-app").has("deploy"), "the base file runs on the CPU");
    }

    private List<String> volumes(String service) {
        List<String> out = new ArrayList<>();
        compose.service(service).path("volumes").forEach(v -> out.add(v.asText()));
        return out;
    }
}
