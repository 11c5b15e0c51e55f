package io.github.bamjava.glue;

import io.github.bamjava.io.AtomicFiles;
import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.io.BaseEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Downloads GLUE task archives into the standard layout that {@link GlueReader} reads.
 *
 * <p>Each task's zip is streamed to {@code <dir>/.downloads/<TaskDir>.zip.part}; an interrupted download is
 * resumed with an HTTP {@code Range} request on the next run (a server that ignores the range gets the file again
 * from the start). When a SHA-256 is configured the complete file is checked against it before anything is
 * unpacked. The archive is unpacked into a temporary folder that is then renamed to {@code <dir>/<TaskDir>}, so
 * the task folder appears complete or not at all. A task whose folder already has {@code train.tsv} is skipped.
 *
 * <p>The default URLs are the public archives that GLUE's own download script uses. MRPC has none: GLUE builds
 * it from Microsoft's {@code msr_paraphrase} text files, not from a zip; give a URL of a zip in GLUE layout with
 * {@link Builder#optUrl(GlueTask, URI)} or place {@code MRPC/} by hand. Connections and reads time out (default
 * 30 s and 60 s), so a dead server fails the call instead of hanging it.
 */
public final class GlueDownloader {

  private static final String BASE = "https://dl.fbaipublicfiles.com/glue/data/";

  /** The public GLUE archives, per task (no MRPC, see the class comment). */
  public static final Map<GlueTask, URI> DEFAULT_URLS = ImmutableMap.<GlueTask, URI>builder()
      .put(GlueTask.COLA, URI.create(BASE + "CoLA.zip"))
      .put(GlueTask.SST2, URI.create(BASE + "SST-2.zip"))
      .put(GlueTask.STSB, URI.create(BASE + "STS-B.zip"))
      .put(GlueTask.QQP, URI.create(BASE + "QQP-clean.zip"))
      .put(GlueTask.MNLI, URI.create(BASE + "MNLI.zip"))
      .put(GlueTask.QNLI, URI.create(BASE + "QNLIv2.zip"))
      .put(GlueTask.RTE, URI.create(BASE + "RTE.zip"))
      .put(GlueTask.WNLI, URI.create(BASE + "WNLI.zip"))
      .build();

  /** The AX diagnostic, a plain TSV file, saved as {@code diagnostic/diagnostic.tsv}. */
  public static final URI DEFAULT_DIAGNOSTIC_URL = URI.create(BASE + "AX.tsv");

  private static final String DOWNLOADS = ".downloads";

  private final Map<GlueTask, URI> urls;
  private final Map<GlueTask, String> sha256;
  private final URI diagnosticUrl;
  private final @Nullable String diagnosticSha256;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final @Nullable PrintStream progress;

  private GlueDownloader(Builder b) {
    this.urls = ImmutableMap.copyOf(b.urls);
    this.sha256 = ImmutableMap.copyOf(b.sha256);
    this.diagnosticUrl = b.diagnosticUrl;
    this.diagnosticSha256 = b.diagnosticSha256;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Downloads and unpacks one task into {@code glueDir/<TaskDir>}, unless that folder already has its
   * {@code train.tsv}.
   *
   * @return the task folder
   * @throws IllegalArgumentException when the task has no URL (MRPC by default)
   * @throws IOException on an HTTP error, a timeout, a checksum mismatch or a folder in the way
   */
  public Path download(GlueTask task, Path glueDir) throws IOException {
    Path taskDir = glueDir.resolve(task.dirName());
    if (Files.isRegularFile(glueDir.resolve(task.trainFile()))) {
      return taskDir;
    }
    if (Files.exists(taskDir)) {
      throw new IOException(String.format("%s exists but has no train.tsv; remove it to download %s again",
          taskDir, task.dirName()));
    }
    URI url = urls.get(task);
    checkArgument(url != null, "no download URL for %s: GLUE builds MRPC from Microsoft's msr_paraphrase "
        + "files, not a zip; set the URL of a zip in GLUE layout with optUrl(%s, ...) or place %s by hand",
        task.dirName(), task, taskDir);
    Path downloads = Files.createDirectories(glueDir.resolve(DOWNLOADS));
    Path archive = downloads.resolve(task.dirName() + ".zip");
    fetch(url, archive, sha256.get(task));
    Path unpacked = Files.createTempDirectory(downloads, task.dirName() + ".unzip");
    try {
      unzip(archive, unpacked);
      AtomicFiles.move(taskFolderIn(unpacked, task.dirName()), taskDir);
    } finally {
      deleteTree(unpacked);
    }
    Files.delete(archive);
    deleteIfEmpty(downloads);
    return taskDir;
  }

  /** Downloads the tasks in order; see {@link #download(GlueTask, Path)}. */
  public void downloadAll(Iterable<GlueTask> tasks, Path glueDir) throws IOException {
    for (GlueTask task : tasks) {
      download(task, glueDir);
    }
  }

  /**
   * Downloads the AX diagnostic to {@code glueDir/diagnostic/diagnostic.tsv}, unless it is there already.
   *
   * @return the diagnostic file
   */
  public Path downloadDiagnostic(Path glueDir) throws IOException {
    Path target = GlueEvalSet.AX.testPath(glueDir);
    if (Files.isRegularFile(target)) {
      return target;
    }
    Path downloads = Files.createDirectories(glueDir.resolve(DOWNLOADS));
    Path file = downloads.resolve("AX.tsv");
    fetch(diagnosticUrl, file, diagnosticSha256);
    Files.createDirectories(target.getParent());
    AtomicFiles.move(file, target);
    deleteIfEmpty(downloads);
    return target;
  }

  /** Downloads {@code url} to {@code target} through {@code target.part}, resuming and verifying. */
  private void fetch(URI url, Path target, @Nullable String expectedSha256) throws IOException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    boolean retried = false;
    while (!transfer(url, part)) {
      // The server could not continue the partial file: start over once, then give up.
      Files.deleteIfExists(part);
      if (retried) {
        throw new IOException("could not resume or restart the download of " + url);
      }
      retried = true;
    }
    if (expectedSha256 != null) {
      String actual = sha256(part);
      if (!actual.equalsIgnoreCase(expectedSha256)) {
        Files.delete(part);
        throw new IOException(String.format("SHA-256 mismatch for %s: expected %s but the download has %s; "
            + "deleted %s, run again to download it afresh", url, expectedSha256.toLowerCase(Locale.ROOT),
            actual, part));
      }
    }
    AtomicFiles.move(part, target);
  }

  /**
   * One HTTP exchange appending to (or replacing) {@code part}.
   *
   * @return false when the server refused the range of an existing part, which should then be discarded
   */
  private boolean transfer(URI url, Path part) throws IOException {
    long have = Files.exists(part) ? Files.size(part) : 0;
    URLConnection connection = url.toURL().openConnection();
    checkArgument(connection instanceof HttpURLConnection, "not an HTTP(S) URL: %s", url);
    HttpURLConnection http = (HttpURLConnection) connection;
    http.setConnectTimeout((int) connectTimeout.toMillis());
    http.setReadTimeout((int) readTimeout.toMillis());
    if (have > 0) {
      http.setRequestProperty("Range", "bytes=" + have + "-");
    }
    try {
      int status = http.getResponseCode();
      boolean append;
      if (status == HttpURLConnection.HTTP_PARTIAL) {
        String range = http.getHeaderField("Content-Range");
        if (range == null || !range.startsWith("bytes " + have + "-")) {
          return false; // a different range than asked for: the part cannot be trusted to line up
        }
        append = true;
      } else if (status == HttpURLConnection.HTTP_OK) {
        append = false; // a fresh download, or a server that ignores Range: start from byte 0
      } else if (status == 416 && have > 0) {
        // Range not satisfiable: complete when the server's size is what we have, else stale
        return ("bytes */" + have).equals(http.getHeaderField("Content-Range"));
      } else {
        throw new IOException(String.format("HTTP %d %s from %s", status, http.getResponseMessage(), url));
      }
      long length = http.getContentLengthLong();
      long start = append ? have : 0;
      Progress bar = new Progress(progress, part.getFileName().toString().replace(".part", ""),
          length < 0 ? -1 : start + length);
      try (InputStream in = http.getInputStream();
          OutputStream out = append
              ? Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
              : Files.newOutputStream(part)) {
        byte[] buffer = new byte[1 << 16];
        long done = start;
        for (int n; (n = in.read(buffer)) > 0; ) {
          out.write(buffer, 0, n);
          done += n;
          bar.update(done);
        }
        bar.finish(done);
        if (length >= 0 && done != start + length) {
          throw new IOException(String.format("download of %s ended at %d of %d bytes; run again to resume",
              url, done, start + length));
        }
      }
      return true;
    } finally {
      http.disconnect();
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return BaseEncoding.base16().lowerCase().encode(digest.digest());
  }

  private static void unzip(Path archive, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        Path target = root.resolve(entry.getName()).normalize();
        // An entry such as "../../x" must not write outside the folder ("zip slip").
        if (!target.startsWith(root) || target.equals(root)) {
          throw new IOException(String.format("%s: entry '%s' points outside the archive's folder",
              archive, entry.getName()));
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zip, target);
        }
      }
    }
  }

  /**
   * The folder in an unpacked archive that holds the task's files: GLUE's zips hold one top folder
   * ({@code CoLA/}, {@code QNLI/} inside {@code QNLIv2.zip}); an archive with loose files is the folder itself.
   */
  private static Path taskFolderIn(Path unpacked, String dirName) throws IOException {
    if (Files.isDirectory(unpacked.resolve(dirName))) {
      return unpacked.resolve(dirName);
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(unpacked)) {
      for (Path child : children) {
        if (!child.getFileName().toString().equals("__MACOSX")) {
          entries.add(child);
        }
      }
    }
    return entries.size() == 1 && Files.isDirectory(entries.get(0)) ? entries.get(0) : unpacked;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void deleteIfEmpty(Path dir) throws IOException {
    try (Stream<Path> children = Files.list(dir)) {
      if (children.findAny().isEmpty()) {
        Files.delete(dir);
      }
    }
  }

  /** A one-line console progress report, redrawn with '\r' at most every 200 ms. */
  private static final class Progress {
    private final @Nullable PrintStream out;
    private final String name;
    private final long total;
    private long lastPrint;

    Progress(@Nullable PrintStream out, String name, long total) {
      this.out = out;
      this.name = name;
      this.total = total;
    }

    void update(long done) {
      long now = System.nanoTime();
      if (out != null && now - lastPrint > 200_000_000L) {
        lastPrint = now;
        out.print("\r" + line(done));
        out.flush();
      }
    }

    void finish(long done) {
      if (out != null) {
        out.println("\r" + line(done));
      }
    }

    private String line(long done) {
      double mib = done / 1048576.0;
      if (total <= 0) {
        return String.format(Locale.ROOT, "%s: %.1f MiB", name, mib);
      }
      return String.format(Locale.ROOT, "%s: %.1f / %.1f MiB (%d%%)", name, mib, total / 1048576.0,
          100 * done / total);
    }
  }

  /** Configures a {@link GlueDownloader}; every setting has a default. */
  public static final class Builder {
    private final Map<GlueTask, URI> urls = new EnumMap<>(DEFAULT_URLS);
    private final Map<GlueTask, String> sha256 = new EnumMap<>(GlueTask.class);
    private URI diagnosticUrl = DEFAULT_DIAGNOSTIC_URL;
    private @Nullable String diagnosticSha256;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofSeconds(60);
    private @Nullable PrintStream progress = System.err;

    private Builder() {}

    /** The URL of a task's zip archive (a mirror, or MRPC's, which has no default). */
    public Builder optUrl(GlueTask task, URI url) {
      urls.put(requireNonNull(task, "task"), requireNonNull(url, "url"));
      return this;
    }

    /** The expected SHA-256 of a task's archive, as 64 hex digits; the download fails when it differs. */
    public Builder optSha256(GlueTask task, String hex) {
      sha256.put(requireNonNull(task, "task"), checkHex(hex));
      return this;
    }

    /** The URL of the AX diagnostic TSV file. */
    public Builder optDiagnosticUrl(URI url) {
      this.diagnosticUrl = requireNonNull(url, "url");
      return this;
    }

    /** The expected SHA-256 of the AX diagnostic file. */
    public Builder optDiagnosticSha256(String hex) {
      this.diagnosticSha256 = checkHex(hex);
      return this;
    }

    /** How long to wait for a connection; default 30 s. */
    public Builder optConnectTimeout(Duration timeout) {
      this.connectTimeout = checkTimeout(timeout);
      return this;
    }

    /** How long one read may wait for data before the download fails; default 60 s. */
    public Builder optReadTimeout(Duration timeout) {
      this.readTimeout = checkTimeout(timeout);
      return this;
    }

    /** Where the progress line goes; default {@code System.err}; null for none. */
    public Builder optProgress(@Nullable PrintStream out) {
      this.progress = out;
      return this;
    }

    public GlueDownloader build() {
      return new GlueDownloader(this);
    }

    private static String checkHex(String hex) {
      requireNonNull(hex, "hex");
      checkArgument(hex.matches("[0-9a-fA-F]{64}"), "a SHA-256 is 64 hex digits, got '%s'", hex);
      return hex.toLowerCase(Locale.ROOT);
    }

    private static Duration checkTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      checkArgument(!timeout.isNegative() && !timeout.isZero() && timeout.toMillis() <= Integer.MAX_VALUE,
          "a timeout must be positive and at most %s ms, got %s", Integer.MAX_VALUE, timeout);
      return timeout;
    }
  }
}
