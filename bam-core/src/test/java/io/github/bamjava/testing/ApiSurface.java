package io.github.bamjava.testing;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

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
        if (java.lang.reflect.Modifier.isPublic(type.getModifiers()) && !allows(pkg)) {
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

  /**
   * The exported declarations (public or protected, in an exported type of an API package) under {@code sources}
   * that have no Javadoc comment, as {@code file:line name}. Overriding methods ({@code @Override}) inherit theirs.
   * The javadoc build's doclint ({@code all,-missing}) checks what comments say; this checks that they are there,
   * without asking for a {@code @param} line per parameter.
   */
  public List<String> undocumented(Path sources) {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> missing = new ArrayList<>();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      JavacTask task = (JavacTask) javac.getTask(null, fm, d -> { }, List.of("-proc:none"), null,
          fm.getJavaFileObjectsFromPaths(files));
      DocTrees docs = DocTrees.instance(task);
      for (CompilationUnitTree unit : task.parse()) {
        String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
        if (!api.contains(pkg)) {
          continue;
        }
        for (Tree type : unit.getTypeDecls()) {
          if (type instanceof ClassTree c && exported(c.getModifiers(), false)) {
            check(docs, unit, new TreePath(new TreePath(unit), c), sources, missing);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return missing;
  }

  private static void check(DocTrees docs, CompilationUnitTree unit, TreePath type, Path sources,
      List<String> missing) {
    ClassTree c = (ClassTree) type.getLeaf();
    need(docs, unit, type, c.getSimpleName().toString(), sources, missing);
    boolean iface = c.getKind() == Tree.Kind.INTERFACE || c.getKind() == Tree.Kind.ANNOTATION_TYPE;
    for (Tree member : c.getMembers()) {
      TreePath path = new TreePath(type, member);
      if (member instanceof ClassTree nested && exported(nested.getModifiers(), iface)) {
        check(docs, unit, path, sources, missing);
      } else if (member instanceof MethodTree m && exported(m.getModifiers(), iface) && !overrides(m)) {
        String name = m.getName().contentEquals("<init>") ? c.getSimpleName().toString() : m.getName().toString();
        need(docs, unit, path, c.getSimpleName() + "." + name + "()", sources, missing);
      } else if (member instanceof VariableTree v && exported(v.getModifiers(), iface)) {
        need(docs, unit, path, c.getSimpleName() + "." + v.getName(), sources, missing);
      }
    }
  }

  private static boolean exported(ModifiersTree modifiers, boolean inInterface) {
    Set<Modifier> flags = modifiers.getFlags();
    return flags.contains(Modifier.PUBLIC) || flags.contains(Modifier.PROTECTED)
        || (inInterface && !flags.contains(Modifier.PRIVATE));
  }

  private static boolean overrides(MethodTree m) {
    return m.getModifiers().getAnnotations().stream()
        .anyMatch(a -> a.getAnnotationType().toString().matches("(java\\.lang\\.)?Override"));
  }

  private static void need(DocTrees docs, CompilationUnitTree unit, TreePath path, String name, Path sources,
      List<String> missing) {
    if (docs.getDocCommentTree(path) == null) {
      long line = unit.getLineMap().getLineNumber(
          docs.getSourcePositions().getStartPosition(unit, path.getLeaf()));
      missing.add(sources.relativize(Path.of(unit.getSourceFile().toUri())) + ":" + line + " " + name);
    }
  }

  /**
   * Fails when an exported declaration of the module that compiled {@code anyClass} has no Javadoc comment
   * ({@link #undocumented}), naming each; the module's sources are read from {@code src/main/java} beside its
   * {@code target/classes}.
   */
  public static void assertApiDocumented(Class<?> anyClass) {
    Path classes;
    try {
      classes = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Path sources = classes.getParent().getParent().resolve("src/main/java");
    List<String> missing = load().undocumented(sources);
    if (!missing.isEmpty()) {
      throw new AssertionError(missing.size() + " exported declaration(s) without Javadoc in " + sources + ":\n  "
          + String.join("\n  ", missing));
    }
  }
}
