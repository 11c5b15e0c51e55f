package io.github.bamjava.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No public class of ours has the simple name of a public DJL class: with both on a classpath, an IDE's
 * auto-import of the wrong one (DJL's ConsoleProgress for ours, say) would otherwise break a user's build.
 */
class NoNameClashTest {

  @Test
  void noPublicSimpleNameOfOursIsAlsoDjls() throws Exception {
    Set<String> ours = new TreeSet<>();
    Set<String> djl = new TreeSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        collectFromDirectory(path, ours);
      } else if (path.getFileName().toString().endsWith(".jar")) {
        collectFromJar(path, ours, djl);
      }
    }
    assertThat(ours).as("our public classes").contains("BornAgainTrainer", "GlueBam", "BamCli");
    assertThat(djl).as("DJL's public classes").contains("Predictor", "NDManager");
    Set<String> clashes = new TreeSet<>(ours);
    clashes.retainAll(djl);
    assertThat(clashes).as("public simple names both in io.github.bamjava and ai.djl").isEmpty();
  }

  private static void collectFromDirectory(Path root, Set<String> ours) throws IOException {
    Path base = root.resolve("io/github/bamjava");
    if (!Files.isDirectory(base)) {
      return;
    }
    try (Stream<Path> files = Files.walk(base)) {
      files.filter(f -> f.toString().endsWith(".class"))
          .map(f -> root.relativize(f).toString().replace(File.separatorChar, '/'))
          .forEach(name -> addIfPublic(name, ours));
    }
  }

  private static void collectFromJar(Path jar, Set<String> ours, Set<String> djl) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (name.startsWith("ai/djl/") && name.endsWith(".class")) {
          addIfPublic(name, djl);
        } else if (name.startsWith("io/github/bamjava/") && name.endsWith(".class")) {
          addIfPublic(name, ours);
        }
      }
    }
  }

  /** Adds the simple name of a public top-level class file's class. */
  private static void addIfPublic(String classFile, Set<String> names) {
    String className = classFile.substring(0, classFile.length() - ".class".length()).replace('/', '.');
    if (className.contains("$") || className.endsWith("package-info") || className.endsWith("module-info")) {
      return;
    }
    try {
      Class<?> c = Class.forName(className, false, NoNameClashTest.class.getClassLoader());
      if (Modifier.isPublic(c.getModifiers())) {
        names.add(c.getSimpleName());
      }
    } catch (ClassNotFoundException | LinkageError e) {
      // A class whose dependencies are not on this classpath (an optional DJL feature) cannot clash here.
    }
  }
}
