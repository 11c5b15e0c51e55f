package io.github.bamjava.glue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.bamjava.task.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local server on 127.0.0.1; nothing here touches the network. */
class GlueDownloaderTest {

  @TempDir Path fixtures;
  @TempDir Path glueDir;

  private HttpServer server;
  private final List<String> ranges = new CopyOnWriteArrayList<>();
  private final List<Integer> bytesServed = new CopyOnWriteArrayList<>();
  private volatile boolean honourRange = true;
  private byte[] colaZip;
  private byte[] flatRteZip;
  private byte[] axTsv;
  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  @BeforeEach
  void startServer() throws IOException {
    GlueFixtures.writeAll(fixtures);
    colaZip = zip("CoLA/", "CoLA/train.tsv", "CoLA/dev.tsv", "CoLA/test.tsv");
    flatRteZip = zipAs("RTE/", "", "RTE/train.tsv", "RTE/dev.tsv", "RTE/test.tsv"); // loose files
    axTsv = Files.readAllBytes(fixtures.resolve("diagnostic/diagnostic.tsv"));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/CoLA.zip", ex -> serve(ex, colaZip));
    server.createContext("/flat.zip", ex -> serve(ex, flatRteZip));
    server.createContext("/AX.tsv", ex -> serve(ex, axTsv));
    server.createContext("/slow.zip", ex -> {
      sleep(3000); // longer than the read timeout of the test that asks for it
      serve(ex, colaZip);
    });
    server.createContext("/evil.zip", ex -> serve(ex, evilZip()));
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void downloadsVerifiesAndUnpacksIntoTheStandardLayout() throws IOException {
    Path taskDir = downloader().optSha256(GlueTask.COLA, sha256(colaZip)).build().download(GlueTask.COLA, glueDir);
    assertThat(taskDir).isEqualTo(glueDir.resolve("CoLA"));
    Task cola = GlueReader.of(glueDir).read(GlueTask.COLA);
    assertThat(cola.train()).hasSize(3);
    assertThat(ranges).containsExactly("none");
    assertThat(glueDir.resolve(".downloads")).doesNotExist(); // no archive or .part left behind
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("CoLA.zip").contains("(100%)");
  }

  @Test
  void resumesAPartialDownloadWithARangeRequest() throws IOException {
    int have = colaZip.length / 2;
    Path part = Files.createDirectories(glueDir.resolve(".downloads")).resolve("CoLA.zip.part");
    Files.write(part, Arrays.copyOf(colaZip, have));
    downloader().optSha256(GlueTask.COLA, sha256(colaZip)).build().download(GlueTask.COLA, glueDir);
    assertThat(ranges).containsExactly("bytes=" + have + "-");
    assertThat(bytesServed).containsExactly(colaZip.length - have); // only the missing half travelled
    assertThat(GlueReader.of(glueDir).read(GlueTask.COLA).dev()).hasSize(1);
  }

  @Test
  void restartsWhenTheServerIgnoresTheRange() throws IOException {
    honourRange = false;
    Path part = Files.createDirectories(glueDir.resolve(".downloads")).resolve("CoLA.zip.part");
    Files.write(part, "stale bytes of another file".getBytes(StandardCharsets.UTF_8));
    downloader().optSha256(GlueTask.COLA, sha256(colaZip)).build().download(GlueTask.COLA, glueDir);
    assertThat(bytesServed).containsExactly(colaZip.length);
    assertThat(GlueReader.of(glueDir).read(GlueTask.COLA).train()).hasSize(3);
  }

  @Test
  void checksumMismatchFailsClearlyAndUnpacksNothing() {
    String wrong = "0".repeat(64);
    GlueDownloader d = downloader().optSha256(GlueTask.COLA, wrong).build();
    assertThatThrownBy(() -> d.download(GlueTask.COLA, glueDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("SHA-256 mismatch for " + url("/CoLA.zip"))
        .hasMessageContaining("expected " + wrong)
        .hasMessageContaining("but the download has " + sha256(colaZip));
    assertThat(glueDir.resolve("CoLA")).doesNotExist();
    assertThat(glueDir.resolve(".downloads")).doesNotExist(); // the next run starts afresh, from nothing
  }

  @Test
  void archiveWithLooseFilesGoesUnderTheTaskFolder() throws IOException {
    downloader().optUrl(GlueTask.RTE, url("/flat.zip")).build().download(GlueTask.RTE, glueDir);
    assertThat(glueDir.resolve("RTE/train.tsv")).exists();
    assertThat(GlueReader.of(glueDir).read(GlueTask.RTE).test()).hasSize(2);
    // The unpacking folder itself became RTE: readable by others as an ordinary mkdir would make it.
    assumeTrue(glueDir.getFileSystem().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
    Path plain = Files.createDirectory(glueDir.resolve("plain"));
    assertThat(Files.getPosixFilePermissions(glueDir.resolve("RTE")))
        .isEqualTo(Files.getPosixFilePermissions(plain));
  }

  @Test
  void skipsATaskThatIsAlreadyThere() throws IOException {
    GlueDownloader d = downloader().build();
    d.download(GlueTask.COLA, glueDir);
    d.download(GlueTask.COLA, glueDir);
    assertThat(ranges).hasSize(1);
  }

  @Test
  void downloadsTheDiagnostic() throws IOException {
    Path ax = downloader().optDiagnosticUrl(url("/AX.tsv")).optDiagnosticSha256(sha256(axTsv)).build()
        .downloadDiagnostic(glueDir);
    assertThat(ax).isEqualTo(glueDir.resolve("diagnostic/diagnostic.tsv"));
    assertThat(GlueReader.of(glueDir).readTest(GlueEvalSet.AX)).hasSize(2);
  }

  @Test
  void httpErrorsAndMissingUrlsNameTheCause() {
    GlueDownloader d = downloader().optUrl(GlueTask.SST2, url("/missing.zip")).build();
    assertThatThrownBy(() -> d.download(GlueTask.SST2, glueDir))
        .hasMessageContaining("HTTP 404").hasMessageContaining(url("/missing.zip").toString());
    assertThat(glueDir).isEmptyDirectory(); // no empty .downloads/ left behind
    Path fresh = glueDir.resolve("new/glue");
    assertThatThrownBy(() -> d.download(GlueTask.SST2, fresh)).hasMessageContaining("HTTP 404");
    assertThat(glueDir.resolve("new")).doesNotExist(); // nor the folders it made for the download
    assertThatThrownBy(() -> downloader().optDiagnosticUrl(url("/missing.tsv")).build().downloadDiagnostic(glueDir))
        .hasMessageContaining("HTTP 404");
    assertThat(glueDir).isEmptyDirectory();
    assertThatThrownBy(() -> GlueDownloader.builder().build().download(GlueTask.MRPC, glueDir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no download URL for MRPC");
    assertThat(GlueDownloader.DEFAULT_URLS).doesNotContainKey(GlueTask.MRPC).hasSize(8);
  }

  @Test
  void aStalledServerTimesOut() {
    GlueDownloader d = downloader().optUrl(GlueTask.COLA, url("/slow.zip"))
        .optReadTimeout(Duration.ofMillis(300)).build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> d.download(GlueTask.COLA, glueDir)).isInstanceOf(SocketTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void refusesEntriesOutsideTheArchiveFolder() {
    GlueDownloader d = downloader().optUrl(GlueTask.WNLI, url("/evil.zip")).build();
    assertThatThrownBy(() -> d.download(GlueTask.WNLI, glueDir)).hasMessageContaining("../evil.tsv");
    assertThat(glueDir.resolve("evil.tsv")).doesNotExist();
    assertThat(glueDir.resolve("WNLI")).doesNotExist();
  }

  @Test
  void aZipCutAtAnEntryBoundaryIsRejectedAndTheTaskNotMarkedComplete() throws IOException {
    // A download that stopped cleanly after train.tsv: every entry in it is whole, but the central directory at
    // the end of the zip, which lists every file, is gone. Reading entry by entry, it looked like a good archive.
    byte[] cut = zipCutAfter("CoLA/", "CoLA/train.tsv"); // dev.tsv and test.tsv would have come next
    server.createContext("/cut.zip", ex -> serve(ex, cut));
    GlueDownloader d = downloader().optUrl(GlueTask.COLA, url("/cut.zip")).build();
    assertThatThrownBy(() -> d.download(GlueTask.COLA, glueDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CoLA.zip")
        .hasMessageContaining("not a complete zip");
    assertThat(glueDir.resolve("CoLA")).doesNotExist();
    assertThat(glueDir.resolve(".downloads/CoLA.zip")).doesNotExist(); // the next run downloads it afresh
  }

  @Test
  void anArchiveWithoutEveryFileOfTheTaskIsRejected() throws IOException {
    byte[] noTest = zip("CoLA/", "CoLA/train.tsv", "CoLA/dev.tsv");
    server.createContext("/no-test.zip", ex -> serve(ex, noTest));
    GlueDownloader d = downloader().optUrl(GlueTask.COLA, url("/no-test.zip")).build();
    assertThatThrownBy(() -> d.download(GlueTask.COLA, glueDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CoLA.zip")
        .hasMessageContaining("lacks test.tsv");
    assertThat(glueDir.resolve("CoLA")).doesNotExist();
    // MNLI needs its five files: train, both dev sets and both test sets
    byte[] mnliPart = zipAs("CoLA/", "MNLI/", "CoLA/train.tsv", "CoLA/dev.tsv");
    server.createContext("/MNLI.zip", ex -> serve(ex, mnliPart));
    GlueDownloader m = downloader().optUrl(GlueTask.MNLI, url("/MNLI.zip")).build();
    assertThatThrownBy(() -> m.download(GlueTask.MNLI, glueDir))
        .hasMessageContaining("lacks dev_matched.tsv, dev_mismatched.tsv, test_matched.tsv, test_mismatched.tsv");
  }

  @Test
  void aTaskFolderMissingFilesIsNotTakenAsDownloaded() throws IOException {
    Files.createDirectories(glueDir.resolve("CoLA"));
    Files.copy(fixtures.resolve("CoLA/train.tsv"), glueDir.resolve("CoLA/train.tsv"));
    GlueDownloader d = downloader().build();
    assertThatThrownBy(() -> d.download(GlueTask.COLA, glueDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(glueDir.resolve("CoLA").toString())
        .hasMessageContaining("lacks dev.tsv, test.tsv");
    assertThat(ranges).isEmpty(); // nothing downloaded over the user's folder
  }

  @Test
  void anEntryWhoseBytesDoNotMatchItsChecksumIsRejected() throws IOException {
    byte[] text = Files.readAllBytes(fixtures.resolve("CoLA/train.tsv"));
    byte[] stored = storedZip("CoLA/train.tsv", text);
    int at = indexOf(stored, text) + 5;
    stored[at] ^= 1; // one bit flipped inside the file's bytes; sizes and directory intact
    server.createContext("/flipped.zip", ex -> serve(ex, stored));
    GlueDownloader d = downloader().optUrl(GlueTask.COLA, url("/flipped.zip")).build();
    assertThatThrownBy(() -> d.download(GlueTask.COLA, glueDir))
        .hasMessageContaining("CoLA/train.tsv").hasMessageContaining("CRC");
    assertThat(glueDir.resolve("CoLA")).doesNotExist();
  }

  @Test
  void knownOfficialFilesCarryTheirSha256ByDefault() throws IOException {
    assertThat(GlueDownloader.KNOWN_SHA256)
        .containsKeys(GlueDownloader.DEFAULT_URLS.values().toArray(new URI[0]))
        .containsKey(GlueDownloader.DEFAULT_DIAGNOSTIC_URL);
    assertThat(GlueDownloader.KNOWN_SHA256.values()).allMatch(h -> h.matches("[0-9a-f]{64}"));

    // A URL in the table is checked against its entry without being asked...
    String wrong = "1".repeat(64);
    GlueDownloader d = downloader().knownSha256(Map.of(url("/CoLA.zip"), wrong, url("/AX.tsv"), wrong))
        .optDiagnosticUrl(url("/AX.tsv")).build();
    assertThatThrownBy(() -> d.download(GlueTask.COLA, glueDir))
        .hasMessageContaining("SHA-256 mismatch for " + url("/CoLA.zip"))
        .hasMessageContaining("expected " + wrong)
        .hasMessageContaining("optSha256");
    assertThatThrownBy(() -> d.downloadDiagnostic(glueDir)).hasMessageContaining("expected " + wrong);
    assertThat(glueDir.resolve("CoLA")).doesNotExist();
    // ...and a checksum given explicitly takes its place (a re-released archive the user has checked).
    downloader().knownSha256(Map.of(url("/CoLA.zip"), wrong)).optSha256(GlueTask.COLA, sha256(colaZip)).build()
        .download(GlueTask.COLA, glueDir);
    assertThat(glueDir.resolve("CoLA/test.tsv")).exists();
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> GlueDownloader.builder().optSha256(GlueTask.COLA, "abc"))
        .hasMessageContaining("got 'abc'");
    assertThatThrownBy(() -> GlueDownloader.builder().optReadTimeout(Duration.ZERO)).hasMessageContaining("PT0S");
  }

  private GlueDownloader.Builder downloader() {
    return GlueDownloader.builder()
        .optUrl(GlueTask.COLA, url("/CoLA.zip"))
        .optConnectTimeout(Duration.ofSeconds(5))
        .optReadTimeout(Duration.ofSeconds(5))
        .optProgress(new PrintStream(progress, true, StandardCharsets.UTF_8));
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** Serves {@code body}, honouring a "Range: bytes=N-" request unless the test turned that off. */
  private void serve(HttpExchange ex, byte[] body) throws IOException {
    String range = ex.getRequestHeaders().getFirst("Range");
    ranges.add(range == null ? "none" : range);
    int from = 0;
    if (range != null && honourRange) {
      from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
      ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
      ex.sendResponseHeaders(206, body.length - from);
    } else {
      ex.sendResponseHeaders(200, body.length);
    }
    // Recorded before the body goes out: once it has, the client may finish and the test read the list before
    // this server thread got to add to it (a race that failed one CI run in many).
    bytesServed.add(body.length - from);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body, from, body.length - from);
    }
  }

  private byte[] zip(String... names) throws IOException {
    return zipAs("", "", names);
  }

  /** A zip of fixture files, each entry named with {@code stripPrefix} replaced by {@code newPrefix}. */
  private byte[] zipAs(String stripPrefix, String newPrefix, String... names) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String name : names) {
        if (name.endsWith("/")) {
          zip.putNextEntry(new ZipEntry(name));
        } else {
          zip.putNextEntry(new ZipEntry(newPrefix + name.substring(stripPrefix.length())));
          zip.write(Files.readAllBytes(fixtures.resolve(name)));
        }
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /**
   * The bytes of a zip of {@code names} as they stand after the last entry, before the central directory is
   * written: what a download that stops between two entries leaves.
   */
  private byte[] zipCutAfter(String... names) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String name : names) {
        zip.putNextEntry(new ZipEntry(name));
        if (!name.endsWith("/")) {
          zip.write(Files.readAllBytes(fixtures.resolve(name)));
        }
        zip.closeEntry(); // ZipOutputStream writes straight through: the entry is complete in `bytes` now
      }
      return bytes.toByteArray();
    }
  }

  /** A zip with one uncompressed (STORED) entry, so that its bytes can be found and changed in the archive. */
  private static byte[] storedZip(String name, byte[] content) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(content);
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(content.length);
    entry.setCompressedSize(content.length);
    entry.setCrc(crc.getValue());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(entry);
      zip.write(content);
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  private static byte[] evilZip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("../evil.tsv"));
      zip.write("x".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }

  private static String sha256(byte[] bytes) {
    return Hashing.sha256().hashBytes(bytes).toString();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
