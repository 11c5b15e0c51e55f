package io.github.bamjava.glue;

import io.github.bamjava.internal.io.AtomicFiles;
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
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.jspecify.annotations.Nullable;

/**
 * Downloads GLUE task archives into the standard layout that {@link GlueReader} reads.
 *
 * <p>Each task's zip is streamed to {@code <dir>/.downloads/<TaskDir>.zip.part}; an interrupted download is
 * resumed with an HTTP {@code Range} request on the next run (a server that ignores the range gets the file again
 * from the start). The complete file is checked against its SHA-256 before anything is unpacked: the one given
 * with {@link Builder#optSha256}, else the published one of a known official file ({@link #KNOWN_SHA256}). The
 * archive is then read through its central directory (the list of files at its end, so a zip cut short, even
 * between two entries, is refused), every entry's CRC is checked, and the unpacked folder must hold every file of
 * the task's standard layout before it is renamed to {@code <dir>/<TaskDir>}: the task folder appears complete or
 * not at all. A task whose folder already holds all those files is skipped.
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

  /**
   * The SHA-256 of known official GLUE files, by URL: a download from one of these URLs is verified against its
   * entry unless {@link Builder#optSha256} or {@link Builder#optDiagnosticSha256} gives another checksum.
   *
   * <p>How the table is filled: an entry is a checksum published by someone who downloaded the file, confirmed
   * by a second independent source or by hashing a local copy; never a guess. The current entries are the
   * {@code download_checksums} of HuggingFace {@code datasets}' {@code glue/dataset_infos.json}. Each is also
   * pinned by a second project: Transformers.jl's GLUE data dependencies (CoLA, SST-2, STS-B, MNLI, RTE) or a
   * dataset registry's recorded archive hashes (CoLA, QQP-clean, QNLIv2, WNLI); AX.tsv's also matches the hash
   * of a local copy. To add a file, record its URL and its {@code sha256sum} the same way. A file re-released
   * under the same URL is accepted by giving its new checksum explicitly ({@code download-glue --sha256}).
   */
  public static final Map<URI, String> KNOWN_SHA256 = ImmutableMap.<URI, String>builder()
      .put(URI.create(BASE + "CoLA.zip"), "f212fcd832b8f7b435fb991f101abf89f96b933ab400603bf198960dfc32cbff")
      .put(URI.create(BASE + "SST-2.zip"), "d67e16fb55739c1b32cdce9877596db1c127dc322d93c082281f64057c16deaa")
      .put(URI.create(BASE + "STS-B.zip"), "e60a6393de5a8b5b9bac5020a1554b54e3691f9d600b775bd131e613ac179c85")
      .put(URI.create(BASE + "QQP-clean.zip"), "40e7c862c04eb26ee04b67fd900e76c45c6ba8e6d8fab4f8f1f8072a1a3fbae0")
      .put(URI.create(BASE + "MNLI.zip"), "e7c1d896d26ed6caf700110645df426cc2d8ebf02a5ab743d5a5c68ac1c83633")
      .put(URI.create(BASE + "QNLIv2.zip"), "e634e78627a29adaecd4f955359b22bf5e70f2cbd93b493f2d624138a0c0e5f5")
      .put(URI.create(BASE + "RTE.zip"), "6bf86de103ecd335f3441bd43574d23fef87ecc695977a63b82d5efb206556ee")
      .put(URI.create(BASE + "WNLI.zip"), "ae0e8e4d16f4d46d4a0a566ec7ecceccfd3fbfaa4a7a4b4e02848c0f2561ac46")
      .put(URI.create(BASE + "AX.tsv"), "0e13510b1bb14436ff7e2ee82338f0efb0133ecf2e73507a697dc210db3f05fd")
      .build();

  private static final String DOWNLOADS = ".downloads";

  private final Map<GlueTask, URI> urls;
  private final Map<GlueTask, String> sha256;
  private final Map<URI, String> knownSha256;
  private final URI diagnosticUrl;
  private final @Nullable String diagnosticSha256;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final @Nullable PrintStream progress;

  private GlueDownloader(Builder b) {
    this.urls = ImmutableMap.copyOf(b.urls);
    this.sha256 = ImmutableMap.copyOf(b.sha256);
    this.knownSha256 = ImmutableMap.copyOf(b.knownSha256);
    this.diagnosticUrl = b.diagnosticUrl;
    this.diagnosticSha256 = b.diagnosticSha256;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.progress = b.progress;
  }

  /** A builder of a downloader, with the default GLUE locations and checksums. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Downloads and unpacks one task into {@code glueDir/<TaskDir>}, unless that folder already holds every file
   * of the task's standard layout ({@link #neededFiles}).
   *
   * @return the task folder
   * @throws IllegalArgumentException when the task has no URL (MRPC by default)
   * @throws IOException on an HTTP error, a timeout, a checksum mismatch, an archive that is cut short, damaged
   *     or lacks a file of the task, or a folder in the way
   */
  public Path download(GlueTask task, Path glueDir) throws IOException {
    Path taskDir = glueDir.resolve(task.dirName());
    if (Files.exists(taskDir)) {
      List<String> missing = missingFiles(task, taskDir);
      if (missing.isEmpty()) {
        return taskDir;
      }
      throw new IOException(String.format("%s exists but lacks %s; remove it to download %s again", taskDir,
          String.join(", ", missing), task.dirName()));
    }
    URI url = urls.get(task);
    checkArgument(url != null, "no download URL for %s: GLUE builds MRPC from Microsoft's msr_paraphrase "
        + "files, not a zip; set the URL of a zip in GLUE layout with optUrl(%s, ...) or place %s by hand",
        task.dirName(), task, taskDir);
    Path downloads = glueDir.resolve(DOWNLOADS);
    List<Path> made = createDirectories(downloads);
    try {
      Path archive = downloads.resolve(task.dirName() + ".zip");
      fetch(url, archive, expectedSha256(url, sha256.get(task), "optSha256(" + task + ", ...)",
          "--sha256 " + task.dirName()));
      Path unpacked = AtomicFiles.createTempDirectory(downloads, task.dirName() + ".unzip");
      try {
        Path folder;
        try {
          unzip(archive, unpacked);
          folder = taskFolderIn(unpacked, task.dirName());
          List<String> missing = missingFiles(task, folder);
          if (!missing.isEmpty()) {
            throw new IOException(String.format("%s from %s lacks %s, which %s needs in its folder", archive, url,
                String.join(", ", missing), task.dirName()));
          }
        } catch (IOException e) {
          // A bad archive is never worth keeping: the next run should fetch it again, not unpack it again.
          Files.deleteIfExists(archive);
          throw new IOException(e.getMessage() + "; deleted the archive, so the next run downloads it afresh", e);
        }
        AtomicFiles.installDirectory(folder, taskDir);
      } finally {
        AtomicFiles.deleteRecursively(unpacked);
      }
      Files.delete(archive);
    } finally {
      deleteIfEmpty(made);
    }
    return taskDir;
  }

  /**
   * The files a task's folder must hold, relative to it, in the standard layout: {@code train.tsv} and the dev
   * and test files of its evaluation sets (MNLI: {@code dev_matched.tsv}, {@code dev_mismatched.tsv},
   * {@code test_matched.tsv}, {@code test_mismatched.tsv}). Every official archive has them all.
   */
  public static List<String> neededFiles(GlueTask task) {
    String prefix = task.dirName() + "/";
    List<String> files = new ArrayList<>();
    files.add(task.trainFile());
    for (GlueEvalSet set : task.evalSets()) {
      set.devFile().ifPresent(files::add);
    }
    for (GlueEvalSet set : task.evalSets()) {
      files.add(set.testFile());
    }
    // AX's file lives in diagnostic/, outside the task's folder: it is downloaded on its own.
    return files.stream().filter(f -> f.startsWith(prefix)).map(f -> f.substring(prefix.length())).toList();
  }

  private static List<String> missingFiles(GlueTask task, Path folder) {
    return neededFiles(task).stream().filter(f -> !Files.isRegularFile(folder.resolve(f))).toList();
  }

  /**
   * The checksum to verify a download from {@code url} against: the one given, else the known one, else none
   * (said on the progress stream, so that a user who wants one knows how to give it).
   */
  private @Nullable String expectedSha256(URI url, @Nullable String given, String javaOption, String cliOption) {
    if (given != null) {
      return given;
    }
    String known = knownSha256.get(url);
    if (known == null && progress != null) {
      progress.printf("%s: no known SHA-256, so checked as a complete archive only (give one with %s or %s=HEX)%n",
          url, javaOption, cliOption);
    }
    return known;
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
    Path downloads = glueDir.resolve(DOWNLOADS);
    List<Path> made = createDirectories(downloads);
    try {
      Path file = downloads.resolve("AX.tsv");
      fetch(diagnosticUrl, file, expectedSha256(diagnosticUrl, diagnosticSha256, "optDiagnosticSha256(...)",
          "--sha256 AX"));
      Files.createDirectories(target.getParent());
      AtomicFiles.move(file, target);
    } finally {
      deleteIfEmpty(made);
    }
    return target;
  }

  /** Downloads {@code url} to {@code target} through {@code target.part}, resuming and verifying. */
  private void fetch(URI url, Path target, @Nullable String expectedSha256) throws IOException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    boolean retried = false;
    try {
      while (!transfer(url, part)) {
        // The server could not continue the partial file: start over once, then give up.
        Files.deleteIfExists(part);
        if (retried) {
          throw new IOException("could not resume or restart the download of " + url);
        }
        retried = true;
      }
    } catch (IOException | RuntimeException e) {
      // A part with bytes is kept for the next run to resume; an empty one has nothing to resume.
      if (Files.isRegularFile(part) && Files.size(part) == 0) {
        Files.delete(part);
      }
      throw e;
    }
    if (expectedSha256 != null) {
      String actual = sha256(part);
      if (!actual.equalsIgnoreCase(expectedSha256)) {
        Files.delete(part);
        throw new IOException(String.format("SHA-256 mismatch for %s: expected %s but the download has %s; "
            + "deleted %s, run again to download it afresh (if the server now serves a release you trust, give "
            + "its checksum with optSha256 / bam download-glue --sha256 TASK=HEX)", url,
            expectedSha256.toLowerCase(Locale.ROOT), actual, part));
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

  /**
   * Unpacks {@code archive} through its central directory, checking each entry's size and CRC.
   *
   * <p>Not {@link java.util.zip.ZipInputStream}: it reads local entries one after another and takes a clean end
   * of file between two of them for the end of the archive, so a download cut at an entry boundary would pass.
   * The central directory sits at the very end of a zip and lists every entry; {@link ZipFile} cannot open an
   * archive without it. ZipFile does not check CRCs itself, hence the {@link CRC32} here.
   */
  private static void unzip(Path archive, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    ZipFile zip;
    try {
      zip = new ZipFile(archive.toFile());
    } catch (ZipException e) {
      throw new IOException(String.format("%s is not a complete zip archive (%s): the directory of its files, "
          + "at the end of a zip, is missing or damaged, as when a download stops early", archive,
          e.getMessage()), e);
    }
    try (zip) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
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
          extract(zip, entry, target, archive);
        }
      }
    }
  }

  private static void extract(ZipFile zip, ZipEntry entry, Path target, Path archive) throws IOException {
    CRC32 crc = new CRC32();
    long size;
    try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), crc)) {
      size = Files.copy(in, target);
    } catch (ZipException e) {
      throw new IOException(String.format("%s: entry '%s' is damaged (%s)", archive, entry.getName(),
          e.getMessage()), e);
    }
    if ((entry.getSize() >= 0 && size != entry.getSize())
        || (entry.getCrc() >= 0 && crc.getValue() != entry.getCrc())) {
      throw new IOException(String.format("%s: entry '%s' is damaged: %d bytes with CRC %08x, its directory "
          + "says %d bytes with CRC %08x", archive, entry.getName(), size, crc.getValue(), entry.getSize(),
          entry.getCrc()));
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

  /**
   * Creates {@code dir} and its missing parents; returns {@code dir} and the parents it created, deepest first:
   * what a download removes again when nothing is left in them (a partial download that can resume stays).
   */
  private static List<Path> createDirectories(Path dir) throws IOException {
    List<Path> made = new ArrayList<>(List.of(dir.toAbsolutePath()));
    for (Path p = dir.toAbsolutePath().getParent(); p != null && !Files.exists(p); p = p.getParent()) {
      made.add(p);
    }
    Files.createDirectories(dir);
    return made;
  }

  /** Deletes the folders that are empty, in order (deepest first), and stops at the first that is not. */
  private static void deleteIfEmpty(List<Path> dirs) throws IOException {
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> children = Files.list(dir)) {
        if (children.findAny().isPresent()) {
          return;
        }
      }
      Files.delete(dir);
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
    private final Map<URI, String> knownSha256 = new HashMap<>(KNOWN_SHA256);
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

    /**
     * The expected SHA-256 of a task's archive, as 64 hex digits; the download fails when it differs. Replaces
     * the {@linkplain #KNOWN_SHA256 known} checksum of an official archive, for a re-release the user has checked.
     */
    public Builder optSha256(GlueTask task, String hex) {
      sha256.put(requireNonNull(task, "task"), checkHex(hex));
      return this;
    }

    /** The URL of the AX diagnostic TSV file. */
    public Builder optDiagnosticUrl(URI url) {
      this.diagnosticUrl = requireNonNull(url, "url");
      return this;
    }

    /** The expected SHA-256 of the AX diagnostic file; replaces the known one as {@link #optSha256} does. */
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

    /** Stands in for {@link #KNOWN_SHA256} in tests, which serve their own files under their own URLs. */
    Builder knownSha256(Map<URI, String> table) {
      knownSha256.clear();
      table.forEach((url, hex) -> knownSha256.put(url, checkHex(hex)));
      return this;
    }

    /** The downloader with these settings. */
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
