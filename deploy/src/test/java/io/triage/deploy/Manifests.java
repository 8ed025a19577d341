package io.triage.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Kubernetes manifests that k8s/kustomization.yaml lists, parsed into fabric8's model. */
final class Manifests {
    static final String DIR = "k8s/";
    /** What an environment variable read from a Secret stands for here: its value is not in the manifests. */
    static final String FROM_SECRET = "<from a Secret>";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final List<HasMetadata> resources;

    private Manifests(List<HasMetadata> resources) {
        this.resources = resources;
    }

    static Manifests load() {
        List<HasMetadata> out = new ArrayList<>();
        for (String file : kustomizationResources()) {
            out.add(parse(DIR + file));
        }
        return new Manifests(List.copyOf(out));
    }

    static List<String> kustomizationResources() {
        List<String> files = new ArrayList<>();
        Compose.parse(DIR + "kustomization.yaml").path("resources").forEach(r -> files.add(r.asText()));
        return files;
    }

    static HasMetadata parse(String relative) {
        try (InputStream in = Files.newInputStream(Repo.path(relative))) {
            Object parsed = SERIALIZATION.unmarshal(in);
            if (!(parsed instanceof HasMetadata resource)) {
                throw new AssertionError(relative + " must hold exactly one Kubernetes resource, got " + parsed);
            }
            return resource;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<HasMetadata> all() {
        return resources;
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return resources.stream().filter(type::isInstance).map(type::cast)
                .filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** A custom resource (KEDA's), which fabric8 reads as a generic resource; its spec as a JSON tree. */
    JsonNode customSpec(String kind, String name) {
        GenericKubernetesResource r = all(GenericKubernetesResource.class).stream()
                .filter(g -> g.getKind().equals(kind) && g.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
        return SERIALIZATION.convertValue(r.getAdditionalProperties().get("spec"), JsonNode.class);
    }

    /** What runs an app's pods, a Deployment or a StatefulSet: its pod template and selector. */
    record Workload(HasMetadata resource, PodTemplateSpec template, LabelSelector selector) {
        String name() {
            return resource.getMetadata().getName();
        }
    }

    /** The Deployment or StatefulSet named {@code name}. */
    Workload workload(String name) {
        List<Workload> found = new ArrayList<>();
        all(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(name))
                .forEach(d -> found.add(new Workload(d, d.getSpec().getTemplate(), d.getSpec().getSelector())));
        all(StatefulSet.class).stream().filter(s -> s.getMetadata().getName().equals(name))
                .forEach(s -> found.add(new Workload(s, s.getSpec().getTemplate(), s.getSpec().getSelector())));
        if (found.size() != 1) {
            throw new AssertionError("expected one Deployment or StatefulSet named " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    static Container container(Workload w) {
        List<Container> containers = w.template().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError(w.name() + " should run one container, has " + containers.size());
        }
        return containers.get(0);
    }

    /**
     * The environment a workload's container gets: its ConfigMaps ({@code envFrom}), then its own {@code env}
     * (which wins, as in Kubernetes). Variables read from a Secret have the value {@link #FROM_SECRET}; the pod's
     * name (downward API) is its first pod's in a StatefulSet, and refused in a Deployment, whose pod names change.
     */
    Map<String, String> environment(Workload w) {
        Container c = container(w);
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() == null) {
                throw new AssertionError(w.name() + ": envFrom other than a ConfigMap");
            }
            env.putAll(get(ConfigMap.class, from.getConfigMapRef().getName()).getData());
        }
        for (EnvVar v : c.getEnv()) {
            if (v.getValueFrom() == null) {
                env.put(v.getName(), v.getValue());
            } else if (v.getValueFrom().getSecretKeyRef() != null) {
                env.put(v.getName(), FROM_SECRET);
            } else if (v.getValueFrom().getFieldRef() != null
                    && "metadata.name".equals(v.getValueFrom().getFieldRef().getFieldPath())
                    && w.resource() instanceof StatefulSet) {
                env.put(v.getName(), w.name() + "-0");
            } else {
                throw new AssertionError(w.name() + ": " + v.getName()
                        + " is neither a value, nor read from a Secret, nor a StatefulSet pod's name");
            }
        }
        return env;
    }
}
