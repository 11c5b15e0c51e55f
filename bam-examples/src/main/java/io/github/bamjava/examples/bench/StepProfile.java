package io.github.bamjava.examples.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bamjava.train.RunListener;
import io.github.bamjava.train.StepInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the time of a real multi-task training step goes: trains the pretrained MiniLM on every task of a GLUE
 * directory, records a few steps after warm-up with libtorch's profiler, and splits their wall time into
 * matrix multiplications, attention, LayerNorm, GELU, dropout, embeddings, copies, other element-wise work
 * (mostly the optimizer and the loss), and the time outside any libtorch operator (Java: batching, targets,
 * JNI calls, bookkeeping). Operators are counted by self time, so nothing is counted twice.
 *
 * <pre>
 * java -cp 'bam-examples/target/bam.jar:bam-examples/target/lib/*' \
 *     io.github.bamjava.examples.bench.StepProfile ../shared/glue-lite [batch 32] [steps 10] [warm-up 10]
 * </pre>
 *
 * <p>The profiler adds a little time to every operator, so shares of many small operators come out larger than
 * without it; the wall time per step is printed with and without the profiler. With {@code
 * -Dbam.profile.shapes=true} it records each operator's input shapes too and prints where the trace is, for a
 * look at which calls of an operator cost what (a Chrome trace: chrome://tracing, or any JSON reader).
 */
public final class StepProfile {

  private StepProfile() {}

  /** Operator name fragments (libtorch's aten names, forward and backward) to categories, first match wins. */
  private static final Map<String, String> CATEGORIES = new LinkedHashMap<>();

  static {
    for (String op : List.of("bmm", "softmax", "baddbmm")) {
      CATEGORIES.put(op, "attention (scores, softmax, context)");
    }
    for (String op : List.of("addmm", "aten::mm", "matmul", "linear", "MmBackward", "AddmmBackward")) {
      CATEGORIES.put(op, "matrix multiplication (dense layers)");
    }
    CATEGORIES.put("layer_norm", "LayerNorm");
    CATEGORIES.put("gelu", "GELU");
    // On the CPU in FP32, BertDropout's masks are filled in Java (DropoutMask): that time is outside any
    // libtorch operator and counts as Java. Elsewhere it draws a uniform per element and compares it with p
    // ("aten::ge"); libtorch's own dropout draws with bernoulli_. The cast of the mask and the product with it
    // fall under the general categories.
    for (String op : List.of("dropout", "bernoulli", "uniform_", "aten::ge")) {
      CATEGORIES.put(op, "dropout (drawing the masks)");
    }
    for (String op : List.of("embedding", "index_select", "index_add")) {
      CATEGORIES.put(op, "embeddings");
    }
    for (String op : List.of("copy_", "_to_copy", "aten::to", "contiguous", "clone", "aten::cat", "empty",
        "zeros", "aten::fill_", "zero_")) {
      CATEGORIES.put(op, "copies, casts, allocation");
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    Path glue = Path.of(args.length > 0 ? args[0] : "../shared/glue-lite");
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Path out = Files.createTempDirectory("bam-profile");
    Path trace = out.resolve("trace.json");
    long[] marks = new long[4];
    long[] tokens = {0};
    // Steps count from 1: the unprofiled steps timed for comparison are those from here to the warm-up's end.
    int unprofiledFrom = Math.max(1, warmup - steps);
    RunListener profiler = new RunListener() {
      @Override
      public void onStep(StepInfo s) {
        long now = System.nanoTime();
        if (s.step() == unprofiledFrom) {
          marks[0] = now; // unprofiled steps, for the profiler's overhead
        } else if (s.step() == warmup) {
          marks[1] = now;
          JniUtils.startProfile(false, Boolean.getBoolean("bam.profile.shapes"), false);
          marks[2] = System.nanoTime();
        } else if (s.step() > warmup && s.step() <= warmup + steps) {
          tokens[0] += s.tokens();
          if (s.step() == warmup + steps) {
            JniUtils.stopProfile(trace.toString());
            marks[3] = now;
          }
        }
      }
    };
    MultiTaskBenchmark.glueRun(glue, warmup + steps, batch, out)
        .addListener(profiler)
        .build()
        .train();

    double plain = (marks[1] - marks[0]) / 1e6 / Math.max(1, warmup - unprofiledFrom);
    double wall = (marks[3] - marks[2]) / 1e6 / steps;
    Map<String, Double> selfMs = selfTimes(trace);
    Map<String, Double> byCategory = new TreeMap<>();
    double inOps = 0;
    for (Map.Entry<String, Double> e : selfMs.entrySet()) {
      byCategory.merge(category(e.getKey()), e.getValue() / steps, Double::sum);
      inOps += e.getValue() / steps;
    }
    System.out.printf(Locale.ROOT, "PROFILE B=%d, %d steps after %d: %.0f ms/step unprofiled, %.0f ms/step"
        + " profiled, %.0f real tokens/step%n", batch, steps, warmup, plain, wall, (double) tokens[0] / steps);
    byCategory.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> System.out.printf(Locale.ROOT, "PROFILE %-40s %7.1f ms/step %5.1f%%%n", e.getKey(),
            e.getValue(), 100 * e.getValue() / wall));
    System.out.printf(Locale.ROOT, "PROFILE %-40s %7.1f ms/step %5.1f%%%n",
        "outside libtorch operators (Java, JNI)", wall - inOps, 100 * (wall - inOps) / wall);
    if (Boolean.getBoolean("bam.profile.shapes")) {
      System.out.println("PROFILE trace with input shapes: " + trace);
    }
    System.out.println("PROFILE top operators by self time:");
    selfMs.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(15)
        .forEach(e -> System.out.printf(Locale.ROOT, "PROFILE   %-38s %7.1f ms/step%n", e.getKey(),
            e.getValue() / steps));
  }

  private static String category(String op) {
    for (Map.Entry<String, String> c : CATEGORIES.entrySet()) {
      if (op.contains(c.getKey())) {
        return c.getValue();
      }
    }
    return "other element-wise (optimizer, loss, residuals)";
  }

  /** Self time in ms per operator name: each event's duration less that of the events nested in it. */
  static Map<String, Double> selfTimes(Path trace) throws IOException {
    JsonElement root = JsonParser.parseString(Files.readString(trace));
    JsonArray events = root.isJsonArray() ? root.getAsJsonArray()
        : root.getAsJsonObject().getAsJsonArray("traceEvents");
    Map<String, List<JsonObject>> byThread = new TreeMap<>();
    for (JsonElement e : events) {
      JsonObject o = e.getAsJsonObject();
      if (o.has("dur") && o.has("ts") && "X".equals(o.has("ph") ? o.get("ph").getAsString() : "X")) {
        byThread.computeIfAbsent(String.valueOf(o.get("tid")), k -> new ArrayList<>()).add(o);
      }
    }
    Map<String, Double> self = new TreeMap<>();
    for (List<JsonObject> thread : byThread.values()) {
      thread.sort(Comparator.<JsonObject>comparingDouble(o -> o.get("ts").getAsDouble())
          .thenComparing(o -> -o.get("dur").getAsDouble()));
      Deque<double[]> open = new ArrayDeque<>(); // {end, index}
      double[] selfUs = new double[thread.size()];
      for (int i = 0; i < thread.size(); i++) {
        double ts = thread.get(i).get("ts").getAsDouble();
        double dur = thread.get(i).get("dur").getAsDouble();
        while (!open.isEmpty() && open.peek()[0] <= ts) {
          open.pop();
        }
        selfUs[i] = dur;
        if (!open.isEmpty()) {
          selfUs[(int) open.peek()[1]] -= dur;
        }
        open.push(new double[] {ts + dur, i});
      }
      for (int i = 0; i < thread.size(); i++) {
        self.merge(thread.get(i).get("name").getAsString(), selfUs[i] / 1000, Double::sum);
      }
    }
    return self;
  }
}
