package io.github.bamjava.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bamjava.train.BornAgainTrainer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bam-core's public types stay inside the API packages that docs/api-packages.txt lists and carry Javadoc, and both
 * checks can fail.
 */
class ApiSurfaceTest {

  @TempDir Path dir;

  @Test
  void bamCoresPublicTypesAreAllInApiOrInternalPackages() {
    ApiSurface.assertOnlyApiIsPublic(BornAgainTrainer.class);
  }

  @Test
  void aPublicTypeOutsideTheListIsAStrayAndOthersAreNot() throws Exception {
    Path classes = compile(Map.of(
        "io/github/bamjava/util/Helper.java", "package io.github.bamjava.util; public final class Helper {}",
        "io/github/bamjava/util/Hidden.java", "package io.github.bamjava.util; final class Hidden {}",
        "io/github/bamjava/internal/util/Shared.java",
        "package io.github.bamjava.internal.util; public class Shared {}",
        "io/github/bamjava/train/Extra.java",
        "package io.github.bamjava.train; public class Extra { public static class Nested {} }"));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      assertThat(ApiSurface.load().strays(classes, loader)).containsExactly("io.github.bamjava.util.Helper");
    }
  }

  @Test
  void bamCoresExportedDeclarationsAllHaveJavadoc() {
    ApiSurface.assertApiDocumented(BornAgainTrainer.class);
  }

  @Test
  void anExportedDeclarationWithoutJavadocIsFoundAndOthersAreNot() throws Exception {
    Path src = dir.resolve("java");
    Path file = src.resolve("io/github/bamjava/train/Sample.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n",
        "package io.github.bamjava.train;",
        "/** Documented. */",
        "public final class Sample implements Runnable {",
        "  /** Documented. */",
        "  public static final int DOCUMENTED = 1;",
        "  public static final int BARE = 2;",
        "  private int hidden;",
        "  public Sample() {}",
        "  void packagePrivate() {}",
        "  @Override",
        "  public void run() {}",
        "  /** Documented. */",
        "  public interface Callback {",
        "    void call();",
        "  }",
        "  static final class Hidden {",
        "    public void notExported() {}",
        "  }",
        "}",
        ""));
    Path internal = src.resolve("io/github/bamjava/internal/io/Helper.java");
    Files.createDirectories(internal.getParent());
    Files.writeString(internal, "package io.github.bamjava.internal.io;\npublic final class Helper {}\n");
    assertThat(ApiSurface.load().undocumented(src)).containsExactly(
        "io/github/bamjava/train/Sample.java:6 Sample.BARE",
        "io/github/bamjava/train/Sample.java:8 Sample.Sample()",
        "io/github/bamjava/train/Sample.java:14 Callback.call()");
  }

  @Test
  void theListNamesEachApiPackageOnceAndNoInternalOne() {
    ApiSurface surface = ApiSurface.load();
    assertThat(surface.api()).contains("io.github.bamjava.train", "io.github.bamjava.predict")
        .noneMatch(p -> p.contains("internal"));
    assertThat(surface.allows("io.github.bamjava.internal.io")).isTrue();
    assertThat(surface.allows("io.github.bamjava.io")).isFalse();
  }

  @Test
  void aMalformedListIsAnErrorNamingTheLine() throws Exception {
    Path list = dir.resolve("api-packages.txt");
    Files.writeString(list, "# comment\nio.github.bamjava.train  training\nio.github.bamjava.train again\n");
    assertThatThrownBy(() -> ApiSurface.read(list)).hasMessageContaining("line 3")
        .hasMessageContaining("listed twice");
    Files.writeString(list, "io.github.Bam\n");
    assertThatThrownBy(() -> ApiSurface.read(list)).hasMessageContaining("line 1")
        .hasMessageContaining("'io.github.Bam'");
  }

  private Path compile(Map<String, String> sources) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path out = Files.createDirectories(dir.resolve("classes"));
    List<String> args = new ArrayList<>(List.of("-d", out.toString()));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = src.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac's exit status").isZero();
    return out;
  }
}
