package io.triage.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of a Dockerfile, grouped by build stage: enough of Docker's syntax (comments, line continuations,
 * exec-form JSON arrays, {@code KEY=value} lists) to check what the images declare.
 */
record Dockerfile(String name, List<Stage> stages) {
    record Instruction(String keyword, String arguments) {}

    /** One {@code FROM} and the instructions after it. */
    record Stage(String from, String alias, List<Instruction> instructions) {
        List<String> arguments(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        }

        String only(String keyword) {
            List<String> all = arguments(keyword);
            if (all.size() != 1) {
                throw new AssertionError("expected one " + keyword + " in stage " + from + ", found " + all);
            }
            return all.get(0);
        }

        /** The {@code KEY=value} pairs of every {@code keyword} (ENV, ARG) instruction, quotes removed. */
        Map<String, String> pairs(String keyword) {
            Map<String, String> out = new LinkedHashMap<>();
            Matcher m = PAIR.matcher("");
            for (String args : arguments(keyword)) {
                m.reset(args);
                while (m.find()) {
                    out.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : "");
                }
            }
            return out;
        }
    }

    private static final Pattern PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(=(?:\"([^\"]*)\"|([^\\s\"]*)))?");
    private static final Pattern FROM = Pattern.compile("(?i)(\\S+)(?:\\s+AS\\s+(\\S+))?");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Dockerfile read(String relative) {
        List<Stage> stages = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        for (String line : Repo.read(relative).split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && logical.isEmpty())) {
                continue; // comments (also inside a continued instruction, as Docker reads them) and blank lines
            }
            if (trimmed.endsWith("\\")) {
                logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            logical.append(trimmed);
            add(stages, logical.toString().strip(), relative);
            logical.setLength(0);
        }
        if (!logical.isEmpty()) {
            throw new AssertionError(relative + " ends inside a continued instruction: " + logical);
        }
        return new Dockerfile(relative, List.copyOf(stages));
    }

    private static void add(List<Stage> stages, String instruction, String file) {
        if (instruction.isEmpty()) {
            return;
        }
        String[] parts = instruction.split("\\s+", 2);
        String keyword = parts[0].toUpperCase(Locale.ROOT);
        String args = parts.length > 1 ? parts[1] : "";
        if (keyword.equals("FROM")) {
            Matcher m = FROM.matcher(args);
            if (!m.matches()) {
                throw new AssertionError(file + ": cannot read FROM " + args);
            }
            stages.add(new Stage(m.group(1), m.group(2), new ArrayList<>()));
        } else if (stages.isEmpty()) {
            if (!keyword.equals("ARG")) {
                throw new AssertionError(file + ": " + keyword + " before the first FROM");
            }
        } else {
            stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, args));
        }
    }

    Stage stage(String alias) {
        return stages.stream().filter(s -> alias.equals(s.alias())).findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no stage named " + alias));
    }

    Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    /** An exec-form (JSON array) instruction's arguments, e.g. ENTRYPOINT ["java", ...]. */
    static List<String> execForm(String arguments) {
        try {
            return Arrays.asList(JSON.readValue(arguments, String[].class));
        } catch (JsonProcessingException e) {
            throw new AssertionError("not an exec-form JSON array: " + arguments, e);
        }
    }
}
