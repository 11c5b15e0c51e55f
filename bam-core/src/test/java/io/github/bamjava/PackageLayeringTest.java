package io.github.bamjava;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of bam-core form layers: no package depends on itself through others, and the data packages
 * ({@code task}, {@code text}, {@code weights}) know nothing of the model built on them. Read from the sources
 * (imports and qualified names outside comments), so it needs no library.
 */
class PackageLayeringTest {

  private static final String ROOT = "io.github.bamjava.";
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+io\\.github\\.bamjava\\.([a-z0-9.]+);");
  private static final Pattern REFERENCE = Pattern.compile("io\\.github\\.bamjava\\.([a-z0-9]+(?:\\.[a-z0-9]+)*)\\.[A-Z]");
  private static final Pattern COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");

  /** Package (below io.github.bamjava) → the other packages of this module it refers to. */
  static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    Path sources = Path.of("src/main/java/io/github/bamjava");
    assertThat(sources).isDirectory();
    try (Stream<Path> files = Files.walk(sources)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(file -> {
        String text;
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        Matcher pkg = PACKAGE.matcher(text);
        if (!pkg.find()) {
          return;
        }
        String from = pkg.group(1);
        Set<String> deps = graph.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher ref = REFERENCE.matcher(COMMENTS.matcher(text).replaceAll(" "));
        while (ref.find()) {
          if (!ref.group(1).equals(from)) {
            deps.add(ref.group(1));
          }
        }
      });
    }
    return graph;
  }

  @Test
  void packagesHaveNoCycles() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      findCycle(graph, start, start, new ArrayList<>(List.of(start)), new TreeSet<>(), cycles);
    }
    assertThat(cycles).as("package cycles in %s", graph).isEmpty();
  }

  @Test
  void dataPackagesDoNotDependOnTheModel() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    for (String data : List.of("task", "text", "weights")) {
      // internal.io (atomic writes, deletes) and internal.dtype (the stored element types the weight readers share)
      // are infrastructure every package may use; they depend on nothing of ours.
      assertThat(graph.getOrDefault(data, Set.of())).as("%s%s depends on", ROOT, data)
          .isSubsetOf("internal.io", "internal.dtype");
    }
    for (String infrastructure : List.of("internal.io", "internal.dtype")) {
      assertThat(graph.getOrDefault(infrastructure, Set.of())).as("%s%s depends on", ROOT, infrastructure).isEmpty();
    }
  }

  private static void findCycle(Map<String, Set<String>> graph, String start, String at, List<String> path,
      Set<String> seen, List<String> cycles) {
    for (String next : graph.getOrDefault(at, Set.of())) {
      if (next.equals(start)) {
        cycles.add(String.join(" -> ", path) + " -> " + start);
      } else if (seen.add(next)) {
        path.add(next);
        findCycle(graph, start, next, path, seen, cycles);
        path.remove(path.size() - 1);
      }
    }
  }
}
