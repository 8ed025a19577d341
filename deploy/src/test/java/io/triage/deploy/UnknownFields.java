package io.triage.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields fabric8 did not recognise. Its model keeps them in {@code additionalProperties} instead of failing
 * (a misspelt {@code readinesProbe}, or a value of the wrong type), and Kubernetes would drop or reject them. The
 * model's fields carry Jackson's {@code @JsonProperty}; the unrecognised ones sit in {@code additionalProperties}.
 */
final class UnknownFields {
    private UnknownFields() {}

    static List<String> in(Object resource) {
        List<String> found = new ArrayList<>();
        visit(resource, "", found);
        return found;
    }

    private static void visit(Object node, String path, List<String> found) {
        if (node == null) {
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> visit(v, path + "." + k, found));
            return;
        }
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                visit(list.get(i), path + "[" + i + "]", found);
            }
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return; // strings, numbers, booleans
        }
        for (Class<?> type = node.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                JsonProperty property = field.getAnnotation(JsonProperty.class);
                if (property != null) {
                    visit(read(field, node), path + "." + property.value(), found);
                } else if (field.getName().equals("additionalProperties")
                        && !(node instanceof GenericKubernetesResource)) {
                    // a custom resource keeps its whole body there: only its metadata is fabric8's to check
                    Map<?, ?> extra = (Map<?, ?>) read(field, node);
                    if (extra != null && !extra.isEmpty()) {
                        found.add((path.isEmpty() ? "" : path + ": ") + extra.keySet());
                    }
                }
            }
        }
    }

    private static Object read(Field field, Object target) {
        try {
            field.setAccessible(true);
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }
}
