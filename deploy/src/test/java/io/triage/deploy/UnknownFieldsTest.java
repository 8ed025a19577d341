package io.triage.deploy;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnknownFieldsTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static Object deployment(String containerBody) {
        return SERIALIZATION.unmarshal("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i
                """ + containerBody.indent(10));
    }

    @Test
    void findsAMisspeltField() {
        Object d = deployment("readinesProbe: {httpGet: {path: /ready, port: 8080}}");
        assertEquals(List.of(".spec.template.spec.containers[0]: [readinesProbe]"), UnknownFields.in(d));
    }

    @Test
    void findsNothingInACorrectResource() {
        Object d = deployment("readinessProbe: {httpGet: {path: /ready, port: http}}");
        assertEquals(List.of(), UnknownFields.in(d));
    }

    @Test
    void ignoresTheBodyOfCustomResources() {
        Object scaled = SERIALIZATION.unmarshal("""
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: s}
                spec: {scaleTargetRef: {name: d}}
                """);
        assertEquals(List.of(), UnknownFields.in(scaled));
    }
}
