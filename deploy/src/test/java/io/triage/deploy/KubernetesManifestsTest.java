package io.triage.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.triage.deploy.Manifests.Workload;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.triage.console.ConsoleSettings;
import io.triage.stream.StreamsSettings;
import io.triage.stream.config.StreamAppSettings;
import io.triage.service.OpsServer;
import io.triage.trainer.service.TrainerSettings;
import io.triage.trainer.service.TriageTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The manifests under k8s/ against the apps, their images and each other. */
class KubernetesManifestsTest {
    static final String SECRET_EXAMPLE = "k8s/examples/kafka-sasl-secret.yaml";
    /** Optional: without it the trainer's POST /retrain stays disabled. */
    static final String RETRAIN_SECRET_EXAMPLE = "k8s/examples/trainer-retrain-token-secret.yaml";
    static final String UPDATE_KEYS_SECRET_EXAMPLE = "k8s/examples/update-keys-secret.yaml";
    /** Required: the console does not start without its sign-in token. */
    static final String CONSOLE_SECRET_EXAMPLE = "k8s/examples/console-token-secret.yaml";
    static final List<String> SECRET_EXAMPLES = List.of(SECRET_EXAMPLE, RETRAIN_SECRET_EXAMPLE, UPDATE_KEYS_SECRET_EXAMPLE,
            CONSOLE_SECRET_EXAMPLE);
    static final String GPU = "nvidia.com/gpu";

    private final Manifests k8s = Manifests.load();

    @Test
    void kustomizationListsEveryManifestButTheSecretExample() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> dir = Files.list(Repo.root().resolve(Manifests.DIR))) {
            dir.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .filter(n -> !n.equals("kustomization.yaml")).forEach(files::add);
        }
        List<String> listed = Manifests.kustomizationResources();
        assertEquals(files, new TreeSet<>(listed), "k8s/kustomization.yaml resources");
        assertEquals(listed.size(), new HashSet<>(listed).size(), "listed twice: " + listed);
        assertFalse(Compose.parse(Manifests.DIR + "kustomization.yaml").has("namespace"),
                "the namespace is the installer's choice");
    }

    @Test
    void everyManifestUsesOnlyFieldsKubernetesKnows() {
        for (HasMetadata r : k8s.all()) {
            assertEquals(List.of(), UnknownFields.in(r), r.getKind() + " " + r.getMetadata().getName());
            assertNull(r.getMetadata().getNamespace(), "namespace-less: " + r.getMetadata().getName());
        }
        for (String example : SECRET_EXAMPLES) {
            assertEquals(List.of(), UnknownFields.in(Manifests.parse(example)), example);
        }
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void deploymentsSetOnlyVariablesTheAppReads(Apps app) {
        EnvVars.assertAllSettable(app.settings, env(app), "k8s Deployment " + app.k8sName);
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void probesAndScrapeAnnotationsUseTheAppsRealEndpointsAndPort(Apps app) {
        Workload d = workload(app);
        Container c = Manifests.container(d);
        int port = app.httpPort(env(app));
        assertEquals(List.of(port), c.getPorts().stream().map(ContainerPort::getContainerPort).toList());

        assertNotNull(c.getReadinessProbe(), "readiness probe");
        assertNotNull(c.getLivenessProbe(), "liveness probe");
        HTTPGetAction ready = c.getReadinessProbe().getHttpGet(), live = c.getLivenessProbe().getHttpGet();
        assertEquals(OpsServer.READY_PATH, ready.getPath());
        assertEquals(OpsServer.HEALTH_PATH, live.getPath());
        assertEquals(port, portNumber(c, ready.getPort()), "readiness probe port");
        assertEquals(port, portNumber(c, live.getPort()), "liveness probe port");

        Map<String, String> annotations = d.template().getMetadata().getAnnotations();
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals(String.valueOf(port), annotations.get("prometheus.io/port"));
        assertEquals(OpsServer.METRICS_PATH, annotations.get("prometheus.io/path"));
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void runsTheImageComposeBuildsAsItsNonRootUserWithBoundedResources(Apps app) {
        Workload d = workload(app);
        Container c = Manifests.container(d);
        // the stream app runs on a GPU here: the CUDA image of the GPU override
        Compose compose = app == Apps.STREAM_APP ? Compose.read(ComposeTest.COMPOSE, ComposeTest.GPU)
                : Compose.read(ComposeTest.COMPOSE);
        assertEquals(compose.image(app.module), c.getImage());

        PodSecurityContext pod = d.template().getSpec().getSecurityContext();
        assertTrue(pod.getRunAsNonRoot());
        assertEquals(DockerfilesTest.runtimeUid(app), pod.getRunAsUser().intValue(), "the image's user");
        SecurityContext container = c.getSecurityContext();
        assertFalse(container.getAllowPrivilegeEscalation());
        assertTrue(container.getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), container.getCapabilities().getDrop());

        assertNotNull(c.getResources().getRequests().get("cpu"), "cpu request");
        assertNotNull(c.getResources().getRequests().get("memory"), "memory request");
        Quantity request = c.getResources().getRequests().get("memory");
        Quantity limit = c.getResources().getLimits().get("memory");
        assertTrue(limit.getNumericalAmount().compareTo(request.getNumericalAmount()) >= 0,
                "memory limit at least the request");
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void everyPathTheAppWritesIsAVolumeOnTheReadOnlyRoot(Apps app) {
        Workload d = workload(app);
        Set<String> mounted = new TreeSet<>();
        Manifests.container(d).getVolumeMounts().forEach(m -> mounted.add(m.getMountPath()));
        List<String> writes = new ArrayList<>(List.of("/tmp"));
        if (app.storeVolume) {
            writes.add(DockerfilesTest.MODEL_STORE);
        }
        if (app == Apps.STREAM_APP) {
            writes.add(streamsProperties().getProperty("state.dir"));
        } else if (app == Apps.TRAINER) {
            assertEquals(DockerfilesTest.MODEL_STORE, app.effective(env(app), "model.store"));
        }
        assertTrue(mounted.containsAll(writes), "mounted " + mounted + ", written " + writes);
        Set<String> declared = new TreeSet<>();
        d.template().getSpec().getVolumes().forEach(v -> declared.add(v.getName()));
        Manifests.container(d).getVolumeMounts().forEach(m -> assertTrue(declared.contains(m.getName()), m.getName()));
    }

    @ParameterizedTest
    @EnumSource(Apps.class)
    void servicesReachTheAppsHttpPort(Apps app) {
        Workload d = workload(app);
        Service s = k8s.get(Service.class, app.k8sName);
        assertEquals(d.selector().getMatchLabels(), s.getSpec().getSelector());
        assertTrue(d.template().getMetadata().getLabels().entrySet()
                .containsAll(s.getSpec().getSelector().entrySet()), "the Service selects the app's pods");
        ServicePort port = s.getSpec().getPorts().get(0);
        int http = app.httpPort(env(app));
        assertEquals(http, port.getPort());
        assertEquals(http, portNumber(Manifests.container(d), port.getTargetPort()));
    }

    @Test
    void theStreamAppGetsOneGpuAndUsesItWhenPyTorchSeesIt() {
        StatefulSet s = k8s.get(StatefulSet.class, Apps.STREAM_APP.k8sName);
        Container c = Manifests.container(workload(Apps.STREAM_APP));
        assertEquals(new Quantity("1"), c.getResources().getLimits().get(GPU));
        assertEquals("auto", env(Apps.STREAM_APP).get("TRIAGE_MODEL_DEVICE"));
        assertNull(s.getSpec().getReplicas(), "KEDA owns the replica count");
        assertEquals("RollingUpdate", s.getSpec().getUpdateStrategy().getType(),
                "replaced one pod at a time, in place: a surge pod would wait for a spare GPU");
        assertTrue(s.getSpec().getTemplate().getSpec().getTolerations().stream()
                .anyMatch(t -> GPU.equals(t.getKey())), "tolerates the GPU nodes' taint");
    }

    @Test
    void theStreamAppIsAStatefulSetWhosePodsAreStaticMembersUnderTheirOwnNamesWithAWarmStandby() {
        StatefulSet s = k8s.get(StatefulSet.class, Apps.STREAM_APP.k8sName);
        assertTrue(k8s.all(Deployment.class).stream().noneMatch(d -> d.getMetadata().getName().equals(s.getMetadata()
                .getName())), "no Deployment of the stream app beside its StatefulSet");
        Service governing = k8s.get(Service.class, s.getSpec().getServiceName());
        assertEquals("None", governing.getSpec().getClusterIP(), "the governing Service is headless");
        assertEquals(s.getSpec().getSelector().getMatchLabels(), governing.getSpec().getSelector());
        assertEquals("Parallel", s.getSpec().getPodManagementPolicy(), "KEDA's new pods start together");

        String instanceId = Apps.STREAM_APP.settings.envVar(StreamAppSettings.INSTANCE_ID);
        var variable = Manifests.container(workload(Apps.STREAM_APP)).getEnv().stream()
                .filter(v -> v.getName().equals(instanceId)).findFirst()
                .orElseThrow(() -> new AssertionError(instanceId + " is not set"));
        assertEquals("metadata.name", variable.getValueFrom().getFieldRef().getFieldPath(),
                "the pod's stable name, from the downward API");
        Properties streams = streamsProperties();
        assertEquals(s.getMetadata().getName() + "-0", streams.getProperty("consumer.group.instance.id"),
                "Kafka Streams joins as a static member under the pod's name");

        int standby = Integer.parseInt(String.valueOf(streams.get("num.standby.replicas")));
        int max = k8s.customSpec("ScaledObject", Apps.STREAM_APP.k8sName).path("maxReplicaCount").asInt();
        assertTrue(standby >= 1 && standby < max, "a warm standby on another pod: " + standby + " of " + max + " pods");
        assertEquals(String.valueOf(standby), env(Apps.STREAM_APP).get(
                Apps.STREAM_APP.settings.envVar(StreamAppSettings.STANDBY_REPLICAS)), "set in the manifests");

        String stateDir = streams.getProperty("state.dir");
        VolumeMount state = Manifests.container(workload(Apps.STREAM_APP)).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(stateDir)).findFirst().orElseThrow();
        boolean perPod = s.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> v.getName().equals(state.getName()) && v.getEmptyDir() != null)
                || s.getSpec().getVolumeClaimTemplates().stream()
                .anyMatch(t -> t.getMetadata().getName().equals(state.getName()));
        assertTrue(perPod, "the Streams state is each pod's own volume, never shared");
    }

    @Test
    void theTrainerIsOneRecreatedPodOnItsReadWriteOnceModelStore() {
        Deployment d = k8s.get(Deployment.class, Apps.TRAINER.k8sName);
        assertEquals(1, d.getSpec().getReplicas());
        assertEquals("Recreate", d.getSpec().getStrategy().getType());
        Container c = Manifests.container(workload(Apps.TRAINER));
        assertNull(c.getResources().getLimits().get(GPU), "head training runs on the CPU");

        PodSpec pod = d.getSpec().getTemplate().getSpec();
        VolumeMount store = c.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(Apps.TRAINER.effective(env(Apps.TRAINER), "model.store")))
                .findFirst().orElseThrow(() -> new AssertionError("the model store is not mounted"));
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(store.getName())).findFirst()
                .orElseThrow();
        PersistentVolumeClaim pvc = k8s.get(PersistentVolumeClaim.class,
                volume.getPersistentVolumeClaim().getClaimName());
        assertEquals(List.of("ReadWriteOnce"), pvc.getSpec().getAccessModes());
        assertEquals(10001L, pod.getSecurityContext().getFsGroup(), "the app's group can write the volume");
    }

    @Test
    void kedaScalesTheStreamAppOnItsInputLagUpToThePartitionCount() {
        JsonNode spec = k8s.customSpec("ScaledObject", Apps.STREAM_APP.k8sName);
        Map<String, String> env = env(Apps.STREAM_APP);
        assertEquals(Apps.STREAM_APP.k8sName, spec.path("scaleTargetRef").path("name").asText());
        assertEquals("StatefulSet", spec.path("scaleTargetRef").path("kind").asText(), "KEDA's default is a Deployment");
        assertEquals("apps/v1", spec.path("scaleTargetRef").path("apiVersion").asText());
        int partitions = Integer.parseInt(Apps.STREAM_APP.effective(env, StreamAppSettings.TOPIC_PARTITIONS));
        int max = spec.path("maxReplicaCount").asInt();
        assertTrue(max >= 1 && max <= partitions,
                "replicas beyond the input's " + partitions + " partitions would sit idle; maxReplicaCount " + max);
        assertTrue(spec.path("minReplicaCount").asInt() >= 1, "keep one replica: it holds the model in memory");

        JsonNode trigger = spec.path("triggers").get(0);
        assertEquals("kafka", trigger.path("type").asText());
        JsonNode meta = trigger.path("metadata");
        assertEquals(Apps.STREAM_APP.effective(env, StreamAppSettings.APPLICATION_ID),
                meta.path("consumerGroup").asText(), "Kafka Streams' consumer group is its application.id");
        assertEquals(Apps.STREAM_APP.effective(env, StreamAppSettings.TOPIC_INPUT), meta.path("topic").asText());
        assertEquals(Apps.STREAM_APP.effective(env, Apps.BOOTSTRAP_SERVERS), meta.path("bootstrapServers").asText());
        assertEquals("false", meta.path("allowIdleConsumers").asText());

        String auth = trigger.path("authenticationRef").path("name").asText();
        JsonNode triggerAuth = k8s.customSpec("TriggerAuthentication", auth);
        Secret example = secretExample();
        for (JsonNode ref : triggerAuth.path("secretTargetRef")) {
            assertEquals(example.getMetadata().getName(), ref.path("name").asText());
            assertTrue(example.getStringData().containsKey(ref.path("key").asText()), ref.toString());
        }
    }

    @Test
    void appsRegisterNoSchemaAndAJobRegistersThemInTheAppsRegistry() {
        for (Apps app : Apps.values()) {
            Map<String, String> data = k8s.get(ConfigMap.class, app.k8sName).getData();
            assertEquals("false", data.get("TRIAGE_REGISTRY_AUTO_REGISTER"), app.k8sName);
        }
        var job = k8s.get(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "triage-schemas");
        var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(container.getCommand().contains("io.triage.service.SchemaRegistration"), container.getCommand().toString());
        var url = container.getEnv().stream().filter(e -> e.getName().equals("TRIAGE_REGISTRY_URL")).findFirst().orElseThrow();
        assertEquals(Apps.TRAINER.k8sName, url.getValueFrom().getConfigMapKeyRef().getName());
    }

    @Test
    void configMapTopicsAreTheConfigDefaults() {
        for (Apps app : Apps.values()) {
            Map<String, String> data = k8s.get(ConfigMap.class, app.k8sName).getData();
            int topics = 0;
            for (var e : data.entrySet()) {
                String key = app.settings.keyOf(e.getKey()).orElseThrow();
                if (key.startsWith("topic.") && !key.equals(StreamAppSettings.TOPIC_PARTITIONS)) {
                    assertEquals(app.settings.find(key).orElseThrow().defaultValue(), e.getValue(), e.getKey());
                    topics++;
                }
            }
            assertTrue(topics >= 3, app + " ConfigMap names its topics");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Apps.class, names = {"TRAINER", "CONSOLE"})
    void theAppsAgreeOnKafkaTheRegistryAndTheModel(Apps app) {
        Map<String, String> stream = env(Apps.STREAM_APP), other = env(app);
        for (String key : List.of(Apps.BOOTSTRAP_SERVERS, Apps.REGISTRY_URL, Apps.TOPIC_MODEL_UPDATES,
                Apps.MODEL_NAME)) {
            assertEquals(Apps.STREAM_APP.effective(stream, key), app.effective(other, key), key);
        }
        for (String kafka : List.of("TRIAGE_KAFKA_SECURITY_PROTOCOL", "TRIAGE_KAFKA_SASL_MECHANISM",
                "TRIAGE_KAFKA_SASL_JAAS_CONFIG", "TRIAGE_MODEL_UPDATE_TRUSTED_KEYS")) {
            assertEquals(stream.get(kafka), other.get(kafka), kafka);
        }
    }

    @Test
    void theConsoleFollowsTheStreamAppsTopicsAndReachesTheTrainersService() {
        Map<String, String> stream = env(Apps.STREAM_APP), trainer = env(Apps.TRAINER), console = env(Apps.CONSOLE);
        assertEquals(Apps.STREAM_APP.effective(stream, StreamAppSettings.REVIEW_TOPIC),
                Apps.CONSOLE.effective(console, ConsoleSettings.REVIEW_TOPIC));
        assertEquals(Apps.STREAM_APP.effective(stream, StreamAppSettings.TOPIC_OUTPUT),
                Apps.CONSOLE.effective(console, ConsoleSettings.RESULTS_TOPIC));
        assertEquals(Apps.TRAINER.effective(trainer, TrainerSettings.TOPIC_FEEDBACK),
                Apps.CONSOLE.effective(console, ConsoleSettings.FEEDBACK_TOPIC));
        URI trainerUrl = URI.create(Apps.CONSOLE.effective(console, ConsoleSettings.TRAINER_URL));
        assertEquals(Apps.TRAINER.k8sName, trainerUrl.getHost(), "the trainer's Service");
        assertEquals(Apps.TRAINER.httpPort(trainer), trainerUrl.getPort());

        URI streamApps = URI.create(Apps.CONSOLE.effective(console, ConsoleSettings.STREAM_APPS));
        Service pods = k8s.get(Service.class, streamApps.getHost());
        assertEquals("None", pods.getSpec().getClusterIP(), "a headless Service: its name resolves to every pod");
        assertEquals(workload(Apps.STREAM_APP).selector().getMatchLabels(), pods.getSpec().getSelector());
        assertEquals(Apps.STREAM_APP.httpPort(stream), streamApps.getPort(), "the stream app's ops port");
    }

    @Test
    void theConsoleIsOneRecreatedPodSignedInToWithATokenFromItsSecret() {
        Deployment d = k8s.get(Deployment.class, Apps.CONSOLE.k8sName);
        assertEquals(1, d.getSpec().getReplicas(), "its transactional id fences a second console");
        assertEquals("Recreate", d.getSpec().getStrategy().getType());
        Secret example = (Secret) Manifests.parse(CONSOLE_SECRET_EXAMPLE);
        assertEquals(Map.of("token", "CHANGE_ME"), example.getStringData(), "a placeholder only");
        var ref = secretRef(Apps.CONSOLE, Apps.CONSOLE.settings.envVar(ConsoleSettings.TOKEN));
        assertEquals(example.getMetadata().getName(), ref.getName());
        assertEquals("token", ref.getKey());
        assertNotEquals(Boolean.TRUE, ref.getOptional(), "without a token the console refuses to start");
        var trainerToken = secretRef(Apps.CONSOLE, Apps.CONSOLE.settings.envVar(ConsoleSettings.TRAINER_TOKEN));
        var retrainToken = secretRef(Apps.TRAINER, Apps.TRAINER.settings.envVar(TrainerSettings.RETRAIN_TOKEN));
        assertEquals(retrainToken, trainerToken, "retrain now uses the trainer's own, optional, token");
    }

    @Test
    void theStreamAppsOwnConfigTurnsTheVariablesIntoKafkaStreamsSettings() {
        Properties streams = streamsProperties();
        assertEquals("SASL_SSL", streams.getProperty("security.protocol"));
        assertEquals("PLAIN", streams.getProperty("sasl.mechanism"));
        assertEquals(Manifests.FROM_SECRET, streams.getProperty("sasl.jaas.config"));
        assertEquals(Apps.STREAM_APP.effective(env(Apps.STREAM_APP), StreamAppSettings.APPLICATION_ID),
                streams.getProperty("application.id"));
    }

    @Test
    void secretsComeFromTheDocumentedExampleSecrets() {
        Map<String, Secret> examples = new HashMap<>();
        for (String file : SECRET_EXAMPLES) {
            Secret example = (Secret) Manifests.parse(file);
            examples.put(example.getMetadata().getName(), example);
            assertFalse(Manifests.kustomizationResources().contains(file.substring(Manifests.DIR.length())),
                    "an example, never applied: " + file);
            example.getStringData().values().forEach(v -> assertTrue(
                    !v.contains("password=\"") || v.contains("CHANGE_ME"), "placeholders only: " + v));
        }
        for (Apps app : Apps.values()) {
            var refs = Manifests.container(workload(app)).getEnv().stream()
                    .filter(v -> v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null)
                    .map(v -> v.getValueFrom().getSecretKeyRef()).toList();
            assertTrue(refs.stream().anyMatch(r -> r.getName().equals(secretExample().getMetadata().getName())),
                    app + " reads the SASL login from the Secret");
            for (var ref : refs) {
                Secret example = examples.get(ref.getName());
                assertNotNull(example, "no example of the Secret " + ref.getName());
                assertTrue(example.getStringData().containsKey(ref.getKey()), ref.getKey());
            }
        }
    }

    @Test
    void theRetrainTokenComesFromAnOptionalSecret() {
        Secret example = (Secret) Manifests.parse(RETRAIN_SECRET_EXAMPLE);
        assertEquals(Map.of("token", "CHANGE_ME"), example.getStringData(), "a placeholder only");
        String variable = Apps.TRAINER.settings.envVar(TrainerSettings.RETRAIN_TOKEN);
        var ref = secretRef(Apps.TRAINER, variable);
        assertEquals(example.getMetadata().getName(), ref.getName());
        assertEquals("token", ref.getKey());
        assertEquals(Boolean.TRUE, ref.getOptional(), "without the Secret the trainer starts, POST /retrain disabled");
        assertFalse(env(Apps.STREAM_APP).containsKey(variable), "only the trainer has actions");
    }

    @Test
    void drainsTakeOneStreamAppPodAtATime() {
        PodDisruptionBudget pdb = k8s.get(PodDisruptionBudget.class, Apps.STREAM_APP.k8sName);
        assertEquals(new IntOrString(1), pdb.getSpec().getMaxUnavailable());
        assertEquals(workload(Apps.STREAM_APP).selector(), pdb.getSpec().getSelector());
    }

    @Test
    void networkPolicyOpensKafkaTheRegistryAndDnsAndLetsPrometheusIn() {
        NetworkPolicy policy = k8s.get(NetworkPolicy.class, "triage");
        Map<String, String> selector = policy.getSpec().getPodSelector().getMatchLabels();
        for (Apps app : Apps.values()) {
            Workload d = workload(app);
            assertTrue(d.template().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()),
                    "the policy selects " + app.k8sName);
            assertTrue(Manifests.container(d).getPorts().stream().anyMatch(p -> "http".equals(p.getName())),
                    app.k8sName + " names its port http, which the ingress rule opens");
        }
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        var ingress = policy.getSpec().getIngress();
        assertEquals(2, ingress.size());
        for (var rule : ingress) {
            assertEquals(List.of(new IntOrString("http")), rule.getPorts().stream().map(NetworkPolicyPort::getPort).toList());
        }
        assertEquals("prometheus", ingress.get(0).getFrom().get(0).getPodSelector().getMatchLabels()
                .get("app.kubernetes.io/name"));
        assertEquals(List.of(Apps.STREAM_APP.k8sName, Apps.CONSOLE.k8sName), ingress.get(1).getFrom().stream()
                .map(peer -> peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name")).toList(),
                "stream apps may fetch versions from the trainer, the console its state and reports");

        NetworkPolicy reviewers = k8s.get(NetworkPolicy.class, Apps.CONSOLE.k8sName);
        assertEquals(Map.of("app.kubernetes.io/name", Apps.CONSOLE.k8sName),
                reviewers.getSpec().getPodSelector().getMatchLabels(), "opens the console's pods only");
        assertEquals(List.of("Ingress"), reviewers.getSpec().getPolicyTypes());
        assertEquals(List.of(new IntOrString("http")), reviewers.getSpec().getIngress().get(0).getPorts().stream()
                .map(NetworkPolicyPort::getPort).toList(), "and only their http port");

        Set<Integer> egress = new TreeSet<>();
        for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
            rule.getPorts().forEach(p -> egress.add(p.getPort().getIntVal()));
        }
        for (Apps app : Apps.values()) {
            Map<String, String> env = env(app);
            for (String broker : app.effective(env, Apps.BOOTSTRAP_SERVERS).split(",")) {
                assertTrue(egress.contains(Integer.parseInt(broker.substring(broker.lastIndexOf(':') + 1))), broker);
            }
            assertTrue(egress.contains(URI.create(app.effective(env, Apps.REGISTRY_URL)).getPort()), "registry port");
        }
        assertTrue(egress.contains(53), "DNS");
        URI store = URI.create(Apps.TRAINER.effective(env(Apps.TRAINER), TrainerSettings.MODEL_STORE_URL));
        assertEquals(Apps.TRAINER.k8sName, store.getHost(), "the trainer's Service");
        assertEquals(Apps.TRAINER.httpPort(env(Apps.TRAINER)), store.getPort(), "the trainer's http port");
        assertTrue(egress.contains(store.getPort()), "stream apps reach the model store");
        assertEquals(TriageTrainer.MODELS_PATH, store.getPath() + "/", "the trainer's /models/ endpoint");
    }

    /** The Secret a workload reads {@code variable} from. */
    private io.fabric8.kubernetes.api.model.SecretKeySelector secretRef(Apps app, String variable) {
        return Manifests.container(workload(app)).getEnv().stream().filter(v -> v.getName().equals(variable))
                .findFirst().orElseThrow(() -> new AssertionError(app.k8sName + " does not read " + variable))
                .getValueFrom().getSecretKeyRef();
    }

    private Map<String, String> env(Apps app) {
        return k8s.environment(workload(app));
    }

    private Workload workload(Apps app) {
        return k8s.workload(app.k8sName);
    }

    /** Kafka Streams' settings, as the stream app makes them from the Deployment's variables. */
    private Properties streamsProperties() {
        try {
            return StreamsSettings.from(StreamAppSettings.load(null, env(Apps.STREAM_APP)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Secret secretExample() {
        return (Secret) Manifests.parse(SECRET_EXAMPLE);
    }

    /** A probe's or Service's port, numeric or the name of one of the container's ports. */
    private static int portNumber(Container c, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()))
                .getContainerPort();
    }
}
