package io.triage.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.triage.model.onnx.ClassifierGraph;
import io.triage.model.text.EncodedBatch;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an ONNX graph with Triage's three inputs directly on ONNX Runtime, for tests and A/Bs of graph forms. */
final class OrtRuns {
    private OrtRuns() {}

    /** The session's first output for {@code batch}, flat, in fp32. */
    static float[] run(OrtEnvironment env, OrtSession session, EncodedBatch batch) throws OrtException {
        long[] shape = {batch.size(), batch.seqLen()};
        Map<String, long[]> feeds = Map.of(ClassifierGraph.INPUT_IDS, batch.ids(),
                ClassifierGraph.TOKEN_TYPE_IDS, batch.typeIds(), ClassifierGraph.ATTENTION_MASK, batch.mask());
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[]> feed : feeds.entrySet()) {
                inputs.put(feed.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(feed.getValue()), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer buffer = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] out = new float[buffer.remaining()];
                buffer.get(out);
                return out;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
