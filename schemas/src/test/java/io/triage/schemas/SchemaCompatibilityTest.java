package io.triage.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * BACKWARD guard: the current schemas in src/main/avro must read data written with the newest released schemas
 * in src/test/resources/released/vN. Consumers are upgraded before producers, and topics
 * keep old records, so a change that cannot read them is a breaking change.
 */
class SchemaCompatibilityTest {

  // Surefire runs tests in the module's base directory.
  private static final Path CURRENT_DIR = Path.of("src", "main", "avro");

  @Test
  void currentSchemasReadNewestReleasedSchemas() throws IOException {
    Path releasedDir = newestReleasedDir();
    List<Path> released = schemaFiles(releasedDir);
    assertFalse(released.isEmpty(), "no released schemas in " + releasedDir);
    // Read from the source folder, not from target/: generated classes and copied resources of a deleted
    // schema outlive it there until a clean build.
    Map<String, Schema> current = new HashMap<>();
    for (Path file : schemaFiles(CURRENT_DIR)) {
      Schema schema = parse(file);
      current.put(schema.getFullName(), schema);
    }
    List<String> problems = new ArrayList<>();
    for (Path file : released) {
      Schema writer = parse(file);
      Schema reader = current.get(writer.getFullName());
      if (reader == null) {
        problems.add(writer.getFullName() + ": released but no longer in " + CURRENT_DIR);
        continue;
      }
      SchemaCompatibilityResult result = check(reader, writer);
      result.getIncompatibilities().forEach(i -> problems.add(writer.getFullName() + ": " + i.getType()
          + " at " + i.getLocation() + " (" + i.getMessage() + ")"));
    }
    assertEquals(List.of(), problems,
        "current schemas cannot read data written with released/" + releasedDir.getFileName());
  }

  /** Proves the guard is live: the change it exists to catch must be reported as incompatible. */
  @Test
  void addingRequiredFieldIsDetected() {
    Schema writer = TextEvent.getClassSchema();
    Schema withDefault = withExtraField(writer, new Schema.Field("tenant", Schema.create(Schema.Type.STRING),
        "test field", "none"));
    Schema required = withExtraField(writer, new Schema.Field("tenant", Schema.create(Schema.Type.STRING),
        "test field"));

    assertEquals(SchemaCompatibilityType.COMPATIBLE, check(withDefault, writer).getCompatibility());
    SchemaCompatibilityResult result = check(required, writer);
    assertEquals(SchemaCompatibilityType.INCOMPATIBLE, result.getCompatibility());
    assertEquals(List.of(SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE),
        result.getIncompatibilities().stream().map(i -> i.getType()).collect(Collectors.toList()));
  }

  /** Other modules load the schemas from the jar's avro/ folder: it must hold exactly what was compiled. */
  @Test
  void packagedSchemasMatchGeneratedClasses() throws IOException {
    for (Schema generated : List.of(TextEvent.getClassSchema(), ClassifiedEvent.getClassSchema(),
        LabeledExample.getClassSchema(), ModelUpdate.getClassSchema(), DeadLetter.getClassSchema(),
        ReviewItem.getClassSchema(), ShadowReport.getClassSchema())) {
      String resource = "/avro/" + generated.getName() + ".avsc";
      try (InputStream in = getClass().getResourceAsStream(resource)) {
        assertNotNull(in, resource + " is not packaged");
        // Parsing form: the generated SCHEMA$ carries extra avro.java.string properties the .avsc does not.
        assertEquals(SchemaNormalization.toParsingForm(generated),
            SchemaNormalization.toParsingForm(new Schema.Parser().parse(in)), resource);
      }
    }
  }

  private static SchemaCompatibilityResult check(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
  }

  private static Schema withExtraField(Schema record, Schema.Field extra) {
    // Schema.Field instances belong to one record, so the existing ones must be copied.
    List<Schema.Field> fields = record.getFields().stream()
        .map(f -> new Schema.Field(f, f.schema())).collect(Collectors.toCollection(ArrayList::new));
    fields.add(extra);
    return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
  }

  private static Path newestReleasedDir() throws IOException {
    Path root;
    try {
      root = Path.of(SchemaCompatibilityTest.class.getResource("/released").toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> d.getFileName().toString().matches("v\\d+"))
          .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString().substring(1))))
          .orElseThrow(() -> new IOException("no released/vN folder in " + root));
    }
  }

  private static Schema parse(Path file) throws IOException {
    return new Schema.Parser().parse(file.toFile());
  }

  private static List<Path> schemaFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".avsc")).sorted().collect(Collectors.toList());
    }
  }
}
