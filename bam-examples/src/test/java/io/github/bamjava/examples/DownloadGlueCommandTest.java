package io.github.bamjava.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bam download-glue --sha256} against a server on 127.0.0.1; nothing here touches the network. */
class DownloadGlueCommandTest {

  @TempDir Path glue;

  private HttpServer server;
  private byte[] mrpcZip;

  /** What one invocation printed and returned. */
  private record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void startServer() throws IOException {
    mrpcZip = zip("MRPC/train.tsv", "MRPC/dev.tsv", "MRPC/test.tsv");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/MRPC.zip", ex -> {
      ex.sendResponseHeaders(200, mrpcZip.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(mrpcZip);
      }
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void sha256OptionVerifiesAnArchiveThatHasNoKnownChecksum() {
    String wrong = "0".repeat(64);
    Run refused = downloadMrpc("--sha256", "MRPC=" + wrong);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("SHA-256 mismatch", "expected " + wrong);
    assertThat(glue.resolve("MRPC")).doesNotExist();

    String right = Hashing.sha256().hashBytes(mrpcZip).toString();
    Run accepted = downloadMrpc("--sha256", "mrpc=" + right.toUpperCase(java.util.Locale.ROOT));
    assertThat(accepted.exitCode()).as(accepted.err()).isZero();
    assertThat(glue.resolve("MRPC/test.tsv")).exists();
  }

  @Test
  void badSha256ValuesAreUsageErrors() {
    Run shortHex = downloadMrpc("--sha256", "MRPC=abc");
    assertThat(shortHex.exitCode()).isEqualTo(2);
    assertThat(shortHex.err()).contains("--sha256", "'abc'");
    Run unknownTask = downloadMrpc("--sha256", "NOPE=" + "0".repeat(64));
    assertThat(unknownTask.exitCode()).isEqualTo(2);
    assertThat(unknownTask.err()).contains("NOPE");
    assertThat(downloadMrpc("--sha256", "MRPC").exitCode()).isEqualTo(2);
    assertThat(glue.resolve("MRPC")).doesNotExist();
  }

  private Run downloadMrpc(String... extra) {
    String[] args = {"download-glue", "--output", glue.toString(), "--tasks", "MRPC", "--no-diagnostic",
        "--mrpc-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/MRPC.zip"};
    String[] all = new String[args.length + extra.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = BamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all);
    return new Run(code, out.toString(), err.toString());
  }

  private static byte[] zip(String... names) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String name : names) {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(("rows of " + name + "\n").getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
