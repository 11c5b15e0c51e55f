package io.github.bamjava.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The API's packages as docs/api-packages.txt lists them, and the check that a module's public types stay inside
 * them: the one list is what a release promises to keep, so a public type anywhere else is either a mistake (make it
 * package-private), a helper (move it under an {@code internal} package) or a new API package (list it).
 *
 * <p>Each library module's ApiSurfaceTest calls {@link #assertOnlyApiIsPublic(Class)} with one of its own classes.
 */
public final class ApiSurface {

  /** Where the list lives, relative to the repository's root. */
  public static final String LIST = "docs/api-packages.txt";

  private final Path file;
  private final Set<String> api;
  private final Set<String> applications;

  private ApiSurface(Path file, Set<String> api, Set<String> applications) {
    this.file = file;
    this.api = api;
    this.applications = applications;
  }

  /** Reads {@value #LIST}, found from the working directory (a module's or the root) upwards. */
  public static ApiSurface load() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(LIST);
      if (Files.isRegularFile(candidate)) {
        return read(candidate);
      }
    }
    throw new IllegalStateException(LIST + " not found above " + Path.of("").toAbsolutePath());
  }

  /** Reads a list in the format of {@value #LIST}: a package a line (then a description), {@code app PACKAGE}. */
  public static ApiSurface read(Path file) {
    Set<String> api = new LinkedHashSet<>();
    Set<String> applications = new LinkedHashSet<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split("\\s+");
      boolean app = words[0].equals("app");
      String pkg = app ? (words.length > 1 ? words[1] : "") : words[0];
      if (!pkg.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": not a package name: '" + pkg + "'");
      }
      if (!(app ? applications : api).add(pkg)) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + pkg + " is listed twice");
      }
    }
    return new ApiSurface(file, Set.copyOf(api), Set.copyOf(applications));
  }

  /** The API's packages. */
  public Set<String> api() {
    return api;
  }

  /** Whether a public type in {@code pkg} is allowed: an API or application package, or an internal one. */
  public boolean allows(String pkg) {
    return api.contains(pkg) || applications.contains(pkg) || Arrays.asList(pkg.split("\\.")).contains("internal");
  }

  /**
   * The public top-level types compiled under {@code classes} whose package is not allowed ({@link #allows}), as
   * class names, loaded (not initialised) through {@code loader}.
   */
  public List<String> strays(Path classes, ClassLoader loader) {
    List<String> strays = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String rel = classes.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
        if (!rel.endsWith(".class") || rel.contains("$") || rel.endsWith("-info.class")) {
          continue;
        }
        String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
        Class<?> type = Class.forName(name, false, loader);
        String pkg = type.getPackageName();
        if (Modifier.isPublic(type.getModifiers()) && !allows(pkg)) {
          strays.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("cannot load a class compiled under " + classes, e);
    }
    return strays;
  }

  /**
   * Fails when the module that compiled {@code anyClass} has a public type outside the packages this list allows,
   * naming each and what to do about it.
   */
  public static void assertOnlyApiIsPublic(Class<?> anyClass) {
    Path classes;
    try {
      classes = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    ApiSurface surface = load();
    List<String> strays = surface.strays(classes, anyClass.getClassLoader());
    if (!strays.isEmpty()) {
      throw new AssertionError(strays.size() + " public type(s) outside the API packages " + surface.file
          + " lists: " + strays + ". Make each package-private, move it under an internal package"
          + " (io.github.bamjava.internal...), or list its package there if it is meant to be API.");
    }
  }
}
