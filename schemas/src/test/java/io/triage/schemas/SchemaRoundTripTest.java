package io.triage.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Every generated type survives Avro binary encoding, including fields left to their schema defaults. */
class SchemaRoundTripTest {

  // timestamp-millis drops sub-millisecond precision, so test instants must be whole milliseconds.
  private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

  @Test
  void textEventWithDefaults() throws IOException {
    TextEvent event = TextEvent.newBuilder().setId("e1").setText("the app crashes").setEventTime(T0).build();
    TextEvent back = roundTrip(event);
    assertEquals(event, back);
    assertNull(back.getTextPair());
    assertTrue(back.getAttributes().isEmpty());
  }

  @Test
  void textEventWithAllFields() throws IOException {
    TextEvent event = TextEvent.newBuilder().setId("e2").setText("premise").setTextPair("hypothesis")
        .setEventTime(T0).setAttributes(Map.of("tenant", "acme")).build();
    assertEquals(event, roundTrip(event));
  }

  @Test
  void classifiedEvent() throws IOException {
    ClassifiedEvent event = ClassifiedEvent.newBuilder().setInputId("e1").setLabel("bug").setScore(0.9f)
        .setScores(Map.of("bug", 0.9f, "question", 0.1f)).setModelName("triage").setModelVersion("3")
        .setEventTime(T0).setClassifiedAt(T0.plusMillis(42))
        .setTimings(Timings.newBuilder().setQueueMs(5).setModelMs(30).setBatchSize(8).build()).build();
    assertEquals(event, roundTrip(event));
  }

  @Test
  void reviewItem() throws IOException {
    ReviewItem item = ReviewItem.newBuilder().setEventId("e1").setText("<b>maybe</b>").setLabel("bug")
        .setScore(0.51f).setMargin(0.02f).setScores(Map.of("bug", 0.51f, "question", 0.49f))
        .setReasons(List.of(ReviewReason.LOW_SCORE, ReviewReason.SMALL_MARGIN)).setModelName("triage")
        .setModelVersion("2").setEventTime(T0).setClassifiedAt(T0.plusMillis(7)).build();
    assertEquals(item, roundTrip(item));
  }

  @Test
  void labeledExampleFromAReviewer() throws IOException {
    LabeledExample example = LabeledExample.newBuilder().setId("e1").setText("t").setLabel("bug")
        .setSource("review").setReviewer("ana").build();
    assertEquals(example, roundTrip(example));
  }

  @Test
  void labeledExampleWithDefaults() throws IOException {
    LabeledExample example = LabeledExample.newBuilder().setId("x1").setText("how do I log in?")
        .setLabel("question").build();
    LabeledExample back = roundTrip(example);
    assertEquals(example, back);
    assertNull(back.getTextPair());
    assertEquals("feedback", back.getSource());
    assertNull(back.getCreatedAt());
  }

  @Test
  void labeledExampleWithAllFields() throws IOException {
    LabeledExample example = LabeledExample.newBuilder().setId("x2").setText("a").setTextPair("b")
        .setLabel("entailment").setSource("import").setCreatedAt(T0).build();
    assertEquals(example, roundTrip(example));
  }

  @Test
  void modelUpdate() throws IOException {
    ModelUpdate update = ModelUpdate.newBuilder().setModelName("triage").setVersion("3")
        .setArtifactUri("file:///models/triage/3.zip").setSha256("ab".repeat(32))
        .setLabels(List.of("bug", "question")).setTrainingMode(TrainingMode.HEAD).setCreatedAt(T0).build();
    ModelUpdate back = roundTrip(update);
    assertEquals(update, back);
    assertTrue(back.getMetrics().isEmpty());
    assertNull(back.getParentVersion());

    ModelUpdate full = ModelUpdate.newBuilder(update).setVersion("4").setParentVersion("3")
        .setMetrics(Map.of("macro_f1", 0.87)).setTrainingMode(TrainingMode.FULL).build();
    assertEquals(full, roundTrip(full));
  }

  @Test
  void deadLetter() throws IOException {
    DeadLetter letter = DeadLetter.newBuilder()
        .setOriginalKey(ByteBuffer.wrap("k".getBytes(StandardCharsets.UTF_8)))
        .setOriginalValue(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff}))
        .setSourceTopic("text-events").setSourcePartition(3).setSourceOffset(12345L)
        .setStage(FailureStage.DESERIALIZE).setErrorType("org.apache.avro.AvroRuntimeException")
        .setMessage("Malformed data").setFailedAt(T0).build();
    assertEquals(letter, roundTrip(letter));

    DeadLetter tombstone = DeadLetter.newBuilder(letter).setOriginalKey(null).setOriginalValue(null).build();
    assertEquals(tombstone, roundTrip(tombstone));
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> T roundTrip(T record) throws IOException {
    Class<T> type = (Class<T>) record.getClass();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(type).write(record, encoder);
    encoder.flush();
    return new SpecificDatumReader<>(type).read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }
}
