package io.github.bamjava.glue.plot;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.bamjava.internal.io.MetricsSchema;
import io.github.bamjava.internal.io.MetricsSchema.Epoch;
import io.github.bamjava.internal.io.MetricsSchema.Start;
import io.github.bamjava.internal.io.MetricsSchema.Step;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the {@code metrics.jsonl} that {@link io.github.bamjava.train.MetricsLog} writes, in the format {@link
 * MetricsSchema} spells, into a {@link RunMetrics}.
 *
 * <p>A resumed run appends to the same file and repeats the steps (and possibly epochs) after its checkpoint,
 * so the last record of a step or epoch wins: it is the one the final model descends from. Records of an
 * unknown {@code type} are skipped so that newer logs stay readable; blank lines are skipped, and so is the
 * record a killed run was writing (the last, where the file ends without a newline). Anything else that is not a
 * well-formed record fails with the file and line number, rather than plotting a silently wrong curve.
 */
final class MetricsLogReader {
  private MetricsLogReader() {}

  /** Reads and resolves a whole log. */
  public static RunMetrics read(Path file) throws IOException {
    List<String> startTasks = List.of();
    Map<String, Double> probabilities = Map.of();
    long totalSteps = 0;
    Map<Long, RunMetrics.Step> steps = new TreeMap<>();
    Map<Integer, RunMetrics.Epoch> epochs = new TreeMap<>();
    Set<String> otherTasks = new LinkedHashSet<>();
    // A run killed mid-write leaves a torn line; it is tolerated when the start record of the resumed run
    // follows it, or at the very end of a file that ends without a newline (the run was killed writing it and
    // has not been resumed), and is an error anywhere else.
    MetricsLogFormatException torn = null;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long lineNumber = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonObject o = parseObject(line);
          if (torn != null && !MetricsSchema.START.equals(string(o, MetricsSchema.TYPE))) {
            throw torn;
          }
          torn = null;
          switch (string(o, MetricsSchema.TYPE)) {
            case MetricsSchema.START -> {
              // A resume writes a new start record; it describes the same run, so the last one is as good.
              startTasks = strings(o, Start.TASKS);
              List<Double> p = numbers(o, Start.TASK_PROBABILITIES);
              if (p.size() != startTasks.size()) {
                throw new IllegalArgumentException(p.size() + " " + Start.TASK_PROBABILITIES + " for " + startTasks.size()
                    + " tasks");
              }
              Map<String, Double> byTask = new LinkedHashMap<>();
              for (int i = 0; i < p.size(); i++) {
                byTask.put(startTasks.get(i), p.get(i));
              }
              probabilities = byTask;
              totalSteps = integer(o, Start.TOTAL_STEPS);
            }
            case MetricsSchema.STEP -> {
              RunMetrics.Step s = new RunMetrics.Step(integer(o, Step.STEP), (int) integer(o, Step.EPOCH),
                  number(o, Step.LOSS), numberMap(o, Step.TASK_LOSS), number(o, Step.LAMBDA),
                  number(o, Step.LEARNING_RATE), number(o, Step.GRAD_NORM), (int) integer(o, Step.EXAMPLES),
                  integer(o, Step.TOKENS), number(o, Step.EXAMPLES_PER_SECOND));
              steps.put(s.step(), s);
              otherTasks.addAll(s.taskLoss().keySet());
            }
            case MetricsSchema.EPOCH -> {
              JsonObject devJson = object(o, Epoch.DEV);
              Map<String, Map<String, Double>> dev = new LinkedHashMap<>();
              for (String task : devJson.keySet()) {
                dev.put(task, numberMap(devJson, task));
              }
              Map<String, Long> counts = new LinkedHashMap<>();
              JsonObject countsJson = object(o, Epoch.TASK_COUNTS);
              for (String task : countsJson.keySet()) {
                counts.put(task, integer(countsJson, task));
              }
              RunMetrics.Epoch e = new RunMetrics.Epoch((int) integer(o, Epoch.EPOCH), integer(o, Epoch.STEP), dev,
                  counts);
              epochs.put(e.epoch(), e);
              otherTasks.addAll(dev.keySet());
              otherTasks.addAll(counts.keySet());
            }
            default -> {
              // A record type this reader does not know: written by a newer MetricsLog, not an error.
            }
          }
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException
            | UnsupportedOperationException e) {
          if (torn != null) {
            throw torn;
          }
          torn = new MetricsLogFormatException(file, lineNumber, e.getMessage(), e);
        }
      }
    }
    if (torn != null && !endsMidLine(file)) {
      throw torn;
    }
    Set<String> tasks = new LinkedHashSet<>(startTasks);
    tasks.addAll(otherTasks);
    return new RunMetrics(new ArrayList<>(tasks), probabilities, totalSteps, new ArrayList<>(steps.values()),
        new ArrayList<>(epochs.values()));
  }

  /** Whether the file's last record was cut off while being written: every complete one ends with a newline. */
  private static boolean endsMidLine(Path file) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      if (channel.size() == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      channel.position(channel.size() - 1).read(last);
      return last.get(0) != '\n';
    }
  }

  private static JsonObject parseObject(String line) {
    // JsonParser is lenient, which is what lets NaN and Infinity through: MetricsLog writes them unquoted.
    JsonElement e = JsonParser.parseString(line);
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return e.getAsJsonObject();
  }

  private static JsonElement field(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("missing field \"" + name + "\"");
    }
    return e;
  }

  private static String string(JsonObject o, String name) {
    JsonElement e = field(o, name);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("field \"" + name + "\" is not a string");
    }
    return e.getAsString();
  }

  private static double number(JsonObject o, String name) {
    return asNumber(field(o, name), name);
  }

  private static double asNumber(JsonElement e, String name) {
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      return e.getAsDouble();
    }
    // MetricsLog writes non-finite values as bare NaN / Infinity, which Gson's lenient parser hands back as
    // strings; only those three spellings are numbers here.
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
      switch (e.getAsString()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw new IllegalArgumentException("field \"" + name + "\" is not a number: " + e);
  }

  private static long integer(JsonObject o, String name) {
    double v = number(o, name);
    if (v != Math.rint(v) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("field \"" + name + "\" is not an integer: " + v);
    }
    return (long) v;
  }

  private static JsonObject object(JsonObject o, String name) {
    JsonElement e = field(o, name);
    if (!e.isJsonObject()) {
      throw new IllegalArgumentException("field \"" + name + "\" is not an object");
    }
    return e.getAsJsonObject();
  }

  private static Map<String, Double> numberMap(JsonObject o, String name) {
    JsonObject m = object(o, name);
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> entry : m.entrySet()) {
      out.put(entry.getKey(), asNumber(entry.getValue(), name + "." + entry.getKey()));
    }
    return out;
  }

  private static List<String> strings(JsonObject o, String name) {
    JsonElement e = field(o, name);
    if (!e.isJsonArray()) {
      throw new IllegalArgumentException("field \"" + name + "\" is not an array");
    }
    List<String> out = new ArrayList<>();
    for (JsonElement x : e.getAsJsonArray()) {
      if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
        throw new IllegalArgumentException("field \"" + name + "\" holds a non-string: " + x);
      }
      out.add(x.getAsString());
    }
    return out;
  }

  private static List<Double> numbers(JsonObject o, String name) {
    JsonElement e = field(o, name);
    if (!e.isJsonArray()) {
      throw new IllegalArgumentException("field \"" + name + "\" is not an array");
    }
    List<Double> out = new ArrayList<>();
    for (JsonElement x : e.getAsJsonArray()) {
      out.add(asNumber(x, name));
    }
    return out;
  }
}
