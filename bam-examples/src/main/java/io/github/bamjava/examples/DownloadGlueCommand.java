package io.github.bamjava.examples;

import io.github.bamjava.glue.GlueDownloader;
import io.github.bamjava.glue.GlueTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bam download-glue}: the official GLUE archives, unpacked into the standard layout. */
@Command(name = "download-glue", mixinStandardHelpOptions = true,
    header = "Download GLUE into the standard layout.",
    description = {"Download GLUE into the standard layout (resumable; tasks already present are skipped).",
        "The official archives are checked against their published SHA-256, and every archive must be a "
            + "complete zip holding every file of its task before the task's folder appears.",
        "MRPC has no public archive: pass --mrpc-url with a zip in GLUE layout, or place MRPC/ by hand.", ""})
final class DownloadGlueCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The GLUE directory.")
  Path output;

  @Option(names = "--tasks", split = ",", paramLabel = "TASK", converter = GlueTaskConverter.class,
      description = "Tasks to download, comma-separated (default: all; MRPC only with --mrpc-url).")
  List<GlueTask> tasks = List.of();

  @Option(names = "--mrpc-url", paramLabel = "URL", description = "The URL of a zip of MRPC in GLUE layout.")
  URI mrpcUrl;

  @Option(names = "--no-diagnostic", description = "Skip the AX diagnostic (downloaded by default).")
  boolean noDiagnostic;

  @Option(names = "--sha256", paramLabel = "TASK=HEX", split = ",",
      description = {"The SHA-256 a task's archive must have (AX=HEX for the diagnostic), for an archive with no "
          + "known checksum such as --mrpc-url's, or in place of the known one of a re-released official "
          + "archive. Repeatable."})
  Map<String, String> sha256 = new LinkedHashMap<>();

  @Override
  public Integer call() throws IOException {
    if (mrpcUrl != null && !mrpcUrl.isAbsolute()) {
      throw new ParameterException(spec.commandLine(), "--mrpc-url must be an absolute URL (https://...), got '"
          + mrpcUrl + "'");
    }
    if (tasks.contains(GlueTask.MRPC) && mrpcUrl == null) {
      throw new ParameterException(spec.commandLine(), "MRPC has no public archive: add --mrpc-url with a zip in"
          + " GLUE layout, or place MRPC/ by hand");
    }
    GlueDownloader.Builder builder = GlueDownloader.builder();
    if (mrpcUrl != null) {
      builder.optUrl(GlueTask.MRPC, mrpcUrl);
    }
    sha256.forEach((name, hex) -> setSha256(builder, name, hex));
    GlueDownloader downloader = builder.build();
    PrintWriter out = spec.commandLine().getOut();
    List<GlueTask> wanted = new ArrayList<>(tasks.isEmpty() ? List.of(GlueTask.values()) : tasks);
    if (tasks.isEmpty() && mrpcUrl == null) {
      wanted.remove(GlueTask.MRPC);
      out.println("skipping MRPC: it has no public archive (see --mrpc-url)");
    }
    for (GlueTask task : wanted) {
      out.println("GLUE " + task.dirName() + " -> " + downloader.download(task, output));
      out.flush();
    }
    if (!noDiagnostic) {
      out.println("GLUE AX -> " + downloader.downloadDiagnostic(output));
    }
    out.flush();
    return 0;
  }

  /** One {@code --sha256} entry; a bad task name or checksum is a usage error (exit 2), found before downloading. */
  private void setSha256(GlueDownloader.Builder builder, String name, String hex) {
    try {
      if (name.trim().equalsIgnoreCase("AX")) {
        builder.optDiagnosticSha256(hex.trim());
      } else {
        builder.optSha256(GlueTask.byName(name.trim()), hex.trim());
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--sha256 " + name + "=" + hex + ": " + e.getMessage());
    }
  }
}
